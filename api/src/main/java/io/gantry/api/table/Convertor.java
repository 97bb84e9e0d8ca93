package io.gantry.api.table;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/** A convertor given by its columns and a cell function; the printers are data, not subclasses. */
record Convertor(List<ColumnDefinition> columns, BiFunction<ObjectNode, Instant, List<Object>> cellFunction)
        implements TableConvertor {

    Convertor {
        columns = List.copyOf(columns);
    }

    @Override
    public List<Object> cells(ObjectNode object, Instant now) {
        return cellFunction.apply(object, now);
    }
}
