package io.gantry.api.table;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/** Turns stored objects of one kind into table rows, the way {@code kubectl get} shows them. */
public interface TableConvertor {
    List<ColumnDefinition> columns();

    /** One cell per column: strings, or numbers (Long) and booleans where Kubernetes prints those. */
    List<Object> cells(ObjectNode object, Instant now);

    /** Row conditions ({@code Table.rows[].conditions}); Kubernetes sets them only for finished pods. */
    default List<ObjectNode> conditions(ObjectNode object) {
        return List.of();
    }
}
