package io.gantry.api.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One step of a field path, in the four forms of Kubernetes' fieldsV1 encoding: a field of a map or struct
 * ({@code f:name}), an item of a keyed list ({@code k:{"name":"web"}}), a value of a set-like list of primitives
 * ({@code v:"x"}) and a list position ({@code i:0}, only ever read from other writers' entries).
 */
public sealed interface PathElement extends Comparable<PathElement> {

    /** The key of this element in a fieldsV1 object. */
    String fieldsV1Key();

    /** The element as Kubernetes prints it inside a path: {@code .name}, {@code [name="web"]}, {@code [="x"]}, {@code [0]}. */
    String pathText();

    /** Orders as Kubernetes does: fields, then values, then keys, then indexes, each by its text. */
    @Override
    default int compareTo(PathElement other) {
        int byKind = Integer.compare(rank(), other.rank());
        if (byKind != 0) {
            return byKind;
        }
        // same kind, same prefix: comparing what follows the prefix orders as the whole keys do, without
        // building them (paths are compared constantly while field sets are built)
        if (this instanceof Field f && other instanceof Field g) {
            return f.name().compareTo(g.name());
        }
        return fieldsV1Key().compareTo(other.fieldsV1Key());
    }

    private int rank() {
        return switch (this) {
            case Field f -> 0;
            case Value v -> 1;
            case Key k -> 2;
            case Index i -> 3;
        };
    }

    record Field(String name) implements PathElement {
        @Override
        public String fieldsV1Key() {
            return "f:" + name;
        }

        @Override
        public String pathText() {
            return "." + name;
        }
    }

    /** An item of a list keyed by merge key; {@code fields} maps key field names to their JSON values. */
    record Key(Map<String, JsonNode> fields, String fieldsV1Key) implements PathElement {
        /** {@code fieldsV1Key} is rendered from {@code fields} once; the value passed in is ignored. */
        public Key {
            fields = fields.size() == 1 ? Map.copyOf(fields)
                    : java.util.Collections.unmodifiableMap(new TreeMap<>(fields));
            fieldsV1Key = "k:" + render(fields);
        }

        /** The key fields as one compact JSON object, by name: as Jackson writes it, without its writer per key. */
        private static String render(Map<String, JsonNode> sorted) {
            StringBuilder out = new StringBuilder(32).append('{');
            for (Map.Entry<String, JsonNode> field : sorted.entrySet()) {
                if (out.length() > 1) {
                    out.append(',');
                }
                CompactJson.string(field.getKey(), out);
                out.append(':');
                if (!CompactJson.scalar(field.getValue(), out)) {
                    ObjectNode key = Json.object();
                    sorted.forEach(key::set);
                    return key.toString();
                }
            }
            return out.append('}').toString();
        }

        public Key(Map<String, JsonNode> fields) {
            this(fields, null);
        }

        public static Key of(String field, JsonNode value) {
            return new Key(Map.of(field, value));
        }

        @Override
        public String pathText() {
            List<String> parts = new ArrayList<>();
            fields.forEach((name, value) -> parts.add(name + "=" + value));
            return "[" + String.join(",", parts) + "]";
        }

        /** Whether a list item carries exactly this key. */
        public boolean matches(JsonNode item) {
            if (!item.isObject()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> f : fields.entrySet()) {
                if (!io.gantry.api.patch.Nodes.same(item.get(f.getKey()), f.getValue())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && fieldsV1Key.equals(k.fieldsV1Key);
        }

        @Override
        public int hashCode() {
            return fieldsV1Key.hashCode();
        }
    }

    /** A member of a set-like list of primitives (merge strategy without merge key, e.g. finalizers). */
    record Value(JsonNode value, String fieldsV1Key) implements PathElement {
        /** {@code fieldsV1Key} is rendered from {@code value} once; the value passed in is ignored. */
        public Value {
            StringBuilder key = new StringBuilder("v:");
            fieldsV1Key = CompactJson.scalar(value, key) ? key.toString() : "v:" + value;
        }

        public Value(JsonNode value) {
            this(value, null);
        }

        @Override
        public String pathText() {
            return "[=" + value + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && fieldsV1Key.equals(v.fieldsV1Key);
        }

        @Override
        public int hashCode() {
            return fieldsV1Key.hashCode();
        }
    }

    record Index(int index) implements PathElement {
        @Override
        public String fieldsV1Key() {
            return "i:" + index;
        }

        @Override
        public String pathText() {
            return "[" + index + "]";
        }
    }

    /** Parses a fieldsV1 key ({@code f:}, {@code k:}, {@code v:} or {@code i:}). */
    static PathElement parse(String key) {
        if (key.length() < 2 || key.charAt(1) != ':') {
            throw new IllegalArgumentException("not a fieldsV1 path element: " + key);
        }
        String rest = key.substring(2);
        return switch (key.charAt(0)) {
            case 'f' -> new Field(rest);
            case 'v' -> new Value(json(rest, key));
            case 'i' -> {
                try {
                    yield new Index(Integer.parseInt(rest));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a list index: " + key);
                }
            }
            case 'k' -> {
                JsonNode fields = json(rest, key);
                if (!fields.isObject() || fields.isEmpty()) {
                    throw new IllegalArgumentException("a key must be a non-empty JSON object: " + key);
                }
                Map<String, JsonNode> map = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    map.put(e.getKey(), e.getValue());
                }
                yield new Key(map);
            }
            default -> throw new IllegalArgumentException("unknown fieldsV1 path element: " + key);
        };
    }

    private static JsonNode json(String text, String key) {
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("empty value in fieldsV1 path element: " + key);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON in fieldsV1 path element: " + key);
        }
    }
}
