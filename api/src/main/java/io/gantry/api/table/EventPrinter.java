package io.gantry.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.gantry.api.table.Cells.text;
import static io.gantry.api.table.ColumnDefinition.string;

/**
 * Event rows for both core/v1 and events.k8s.io/v1 Events. Kubernetes serves both from one storage and prints
 * them alike; events.k8s.io field names (regarding, note, deprecated*) are mapped onto the core ones. As in
 * Kubernetes, NAME is a wide column at the end rather than the first column.
 */
final class EventPrinter {
    private EventPrinter() {
    }

    private static final List<ColumnDefinition> COLUMNS = List.of(
            string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
            string("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
            string("Reason", "This should be a short, machine understandable string that gives the reason for the "
                    + "transition into the object's current status."),
            string("Object", "The object that this event is about."),
            string("Subobject", "If referring to a piece of an object instead of an entire object, this string "
                    + "should contain a valid JSON/Go field access statement.").wide(),
            string("Source", "The component reporting this event.").wide(),
            string("Message", "A human-readable description of the status of this operation."),
            string("First Seen", "The time at which the event was first recorded.").wide(),
            string("Count", "The number of times this event has occurred.").wide(),
            new ColumnDefinition("Name", "string", "name", "Name must be unique within a namespace.", 1));

    /** Field names of one Event flavour. */
    private record Fields(String regarding, String message, String firstTimestamp, String lastTimestamp,
                          String count, String source) {
    }

    private static final Fields CORE = new Fields("involvedObject", "message", "firstTimestamp", "lastTimestamp",
            "count", "source");
    private static final Fields EVENTS_V1 = new Fields("regarding", "note", "deprecatedFirstTimestamp",
            "deprecatedLastTimestamp", "deprecatedCount", "deprecatedSource");

    static TableConvertor core() {
        return new Convertor(COLUMNS, (o, now) -> cells(o, now, CORE));
    }

    static TableConvertor eventsV1() {
        return new Convertor(COLUMNS, (o, now) -> cells(o, now, EVENTS_V1));
    }

    private static List<Object> cells(ObjectNode event, Instant now, Fields f) {
        String first = Cells.instant(event.path(f.firstTimestamp())) != null
                ? Cells.since(event.path(f.firstTimestamp()), now)
                : Cells.since(event.path("eventTime"), now);
        String last = Cells.instant(event.path(f.lastTimestamp())) != null
                ? Cells.since(event.path(f.lastTimestamp()), now) : first;
        long count = event.path(f.count()).asLong();
        JsonNode series = event.path("series");
        if (series.isObject()) {
            last = Cells.since(series.path("lastObservedTime"), now);
            count = series.path("count").asLong();
        } else if (count == 0) {
            // singleton events carry no count in the new API
            count = 1;
        }
        JsonNode regarding = event.path(f.regarding());
        String kind = text(regarding.path("kind")).toLowerCase(Locale.ROOT);
        String name = text(regarding.path("name"));
        String target = name.isEmpty() ? kind : kind + "/" + name;

        JsonNode source = event.path(f.source());
        String component = firstNonEmpty(text(source.path("component")), text(event.path("reportingController")));
        String host = firstNonEmpty(text(source.path("host")), text(event.path("reportingInstance")));
        String sourceText = host.isEmpty() ? component : component + ", " + host;

        List<Object> cells = new ArrayList<>();
        cells.add(last);
        cells.add(text(event.path("type")));
        cells.add(text(event.path("reason")));
        cells.add(target);
        cells.add(text(regarding.path("fieldPath")));
        cells.add(sourceText);
        cells.add(text(event.path(f.message())).strip());
        cells.add(first);
        cells.add(count);
        cells.add(Cells.name(event));
        return cells;
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
