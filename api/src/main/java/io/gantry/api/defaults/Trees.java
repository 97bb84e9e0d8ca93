package io.gantry.api.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** "Set only when unset" edits on JSON trees; unset means absent or null, as for a nil Go pointer. */
final class Trees {
    private Trees() {
    }

    static boolean unset(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n == null || n.isNull();
    }

    /** Unset, null, or the zero value of its type (Go's "" / 0 for non-pointer fields). */
    static boolean blank(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty()) || (n.isNumber() && n.asLong() == 0);
    }

    static String text(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n == null || n.isNull() ? "" : n.asText();
    }

    static void put(ObjectNode node, String field, String value) {
        // Only a missing or empty string counts as unset: an explicit 0 in an IntOrString field is a value.
        if (unset(node, field) || (node.get(field).isTextual() && node.get(field).asText().isEmpty())) {
            node.put(field, value);
        }
    }

    static void put(ObjectNode node, String field, long value) {
        if (unset(node, field)) {
            // Small numbers as ints, so trees equal those parsed from JSON text.
            if (value == (int) value) {
                node.put(field, (int) value);
            } else {
                node.put(field, value);
            }
        }
    }

    static void put(ObjectNode node, String field, boolean value) {
        if (unset(node, field)) {
            node.put(field, value);
        }
    }

    /** The object under field, created empty when unset. */
    static ObjectNode object(ObjectNode node, String field) {
        JsonNode n = node.get(field);
        if (n instanceof ObjectNode o) {
            return o;
        }
        return node.putObject(field);
    }

    /** The object under field if there is one. */
    static ObjectNode existing(JsonNode node, String field) {
        JsonNode n = node == null ? null : node.get(field);
        return n instanceof ObjectNode o ? o : null;
    }

    static void eachObject(JsonNode node, String field, Consumer<ObjectNode> action) {
        JsonNode n = node == null ? null : node.get(field);
        if (n instanceof ArrayNode a) {
            List<ObjectNode> items = new ArrayList<>();
            a.forEach(item -> {
                if (item instanceof ObjectNode o) {
                    items.add(o);
                }
            });
            items.forEach(action);
        }
    }
}
