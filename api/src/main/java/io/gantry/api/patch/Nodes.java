package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JsonNode;

/** Small helpers shared by the patch and apply algorithms. */
public final class Nodes {
    private Nodes() {
    }

    /**
     * JSON equality in which numbers compare by value, so that 80, 80.0 and a long 80 are the same merge key or
     * the same set member however the parser happened to represent them.
     */
    public static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (var entry : a.properties()) {
                if (!same(entry.getValue(), b.get(entry.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    static String describe(JsonNode node) {
        return node == null ? "null" : node.toString();
    }
}
