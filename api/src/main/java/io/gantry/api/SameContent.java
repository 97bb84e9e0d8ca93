package io.gantry.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Equality of two trees as JSON, where a {@link RawJson} value equals the tree it parses to. Jackson's
 * {@code equals} compares raw values by identity, and the server holds the same managedFields entry raw in one
 * copy and as a tree, or as two raw copies, in another: a write that changes nothing must still be seen as one.
 *
 * <p>Raw values are compared last, and parsed only when their bytes differ and everything else is equal, so
 * that a write which really changes something costs no more than {@code equals}; a top-level {@code status} is
 * compared first, since most writes that change something change it.
 */
public final class SameContent {
    private List<JsonNode[]> deferred;

    private SameContent() {
    }

    /** Whether {@code a} and {@code b} are the same JSON; either may be null (equal only to null). */
    public static boolean of(JsonNode a, JsonNode b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        SameContent comparison = new SameContent();
        return (a.isObject() ? comparison.equalStatusFirst(a, b) : comparison.equal(a, b))
                && comparison.rawValuesEqual();
    }

    /** Two objects, compared by their status first: most writes that change something change it. */
    private boolean equalStatusFirst(JsonNode a, JsonNode b) {
        if (!b.isObject() || a.size() != b.size()) {
            return false;
        }
        JsonNode status = a.get("status");
        if (status != null && !equal(status, b.get("status"))) {
            return false;
        }
        for (Map.Entry<String, JsonNode> field : a.properties()) {
            JsonNode other = b.get(field.getKey());
            if (other == null || field.getValue() != status && !equal(field.getValue(), other)) {
                return false;
            }
        }
        return true;
    }

    private boolean equal(JsonNode a, JsonNode b) {
        if (a == b) {
            return true;
        }
        if (b == null) {
            return false;
        }
        boolean rawA = RawJson.isRaw(a);
        boolean rawB = RawJson.isRaw(b);
        if (rawA || rawB) {
            if (!RawJson.sameBytes(a, b)) {
                if (deferred == null) {
                    deferred = new ArrayList<>();
                }
                deferred.add(new JsonNode[] {a, b});
            }
            return true;
        }
        if (a.isObject()) {
            if (!b.isObject() || a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> field : a.properties()) {
                JsonNode other = b.get(field.getKey());
                if (other == null || !equal(field.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray()) {
            if (!b.isArray() || a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private boolean rawValuesEqual() {
        if (deferred == null) {
            return true;
        }
        for (JsonNode[] pair : deferred) {
            // compared as this class compares, since the other side may hold raw values further down
            if (!of(parsed(pair[0]), parsed(pair[1]))) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode parsed(JsonNode node) {
        return RawJson.isRaw(node) ? RawJson.parse(node) : node;
    }
}
