package io.gantry.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-tolerant reads from JSON trees: absent, null and wrongly typed values all read as "unset". */
final class Nodes {
    private Nodes() {
    }

    static ObjectNode obj(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n instanceof ObjectNode o ? o : null;
    }

    static ArrayNode arr(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n instanceof ArrayNode a ? a : null;
    }

    static List<ObjectNode> objects(JsonNode parent, String field) {
        ArrayNode a = arr(parent, field);
        List<ObjectNode> out = new ArrayList<>();
        if (a != null) {
            for (JsonNode n : a) {
                out.add(n instanceof ObjectNode o ? o : Validator.EMPTY);
            }
        }
        return out;
    }

    static int size(JsonNode parent, String field) {
        ArrayNode a = arr(parent, field);
        return a == null ? 0 : a.size();
    }

    /** The text of a string field; "" when absent or null, as a Go zero value would be. */
    static String text(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n == null || n.isNull() ? "" : n.isValueNode() ? n.asText() : n.toString();
    }

    static boolean has(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && !n.isNull();
    }

    static Long integer(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n == null || !n.isNumber() ? null : n.asLong();
    }

    static boolean bool(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.asBoolean(false);
    }

    static Map<String, String> stringMap(JsonNode parent, String field) {
        ObjectNode o = obj(parent, field);
        if (o == null) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        o.properties().forEach(e -> m.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        return m;
    }

    static List<String> strings(JsonNode parent, String field) {
        ArrayNode a = arr(parent, field);
        if (a == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }
}
