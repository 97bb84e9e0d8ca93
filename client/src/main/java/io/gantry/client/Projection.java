package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.util.HashMap;
import java.util.Map;

/**
 * The fields of an object that a client reads, the way client-go's informer transforms narrow what an informer
 * keeps: a watch may skip the other fields while it parses (they are never built), and {@link #apply} drops them
 * from an object at hand. A component that keeps thousands of objects and reads a few fields of each then neither
 * parses nor keeps the rest, which in a pod is most of it.
 * <p>
 * A projection keeps some fields whole, narrows others by a projection of their own, and keeps or drops the fields
 * it does not name. Inside a list, each element is narrowed alike: {@code spec.containers.name} keeps only the
 * names of a pod's containers. Scalars are kept as they are.
 */
public final class Projection {
    /** Every field. */
    public static final Projection ALL = new Projection(Map.of(), true);
    /** Marks a field dropped inside a projection that keeps the fields it does not name. */
    private static final Projection DROPPED = new Projection(Map.of(), false);

    private final Map<String, Projection> fields;
    private final boolean othersKept;

    private Projection(Map<String, Projection> fields, boolean othersKept) {
        this.fields = fields;
        this.othersKept = othersKept;
    }

    /**
     * Only the fields at these dot-separated paths, each kept whole, with the objects (and lists of objects) on the
     * way to them: {@code only("metadata.name", "spec.nodeName")} keeps {@code {"metadata":{"name":..},
     * "spec":{"nodeName":..}}} of a pod.
     */
    public static Projection only(String... paths) {
        Projection projection = new Projection(Map.of(), false);
        for (String path : paths) {
            projection = projection.with(segments(path), 0);
        }
        return projection;
    }

    /** This projection without the field at a dot-separated path. */
    public Projection without(String path) {
        return without(segments(path), 0);
    }

    private static String[] segments(String path) {
        String[] segments = path.split("\\.", -1);
        for (String s : segments) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a field path needs names between its dots: \"" + path + "\"");
            }
        }
        return segments;
    }

    private Projection with(String[] path, int i) {
        if (keepsAll()) {
            return this;
        }
        Projection below = i + 1 == path.length ? ALL
                : fields.getOrDefault(path[i], new Projection(Map.of(), false)).with(path, i + 1);
        Map<String, Projection> changed = new HashMap<>(fields);
        changed.put(path[i], below);
        return new Projection(Map.copyOf(changed), othersKept);
    }

    private Projection without(String[] path, int i) {
        Projection child = field(path[i]);
        if (child == null) {
            return this;
        }
        Map<String, Projection> changed = new HashMap<>(fields);
        changed.put(path[i], i + 1 == path.length ? DROPPED : child.without(path, i + 1));
        return new Projection(Map.copyOf(changed), othersKept);
    }

    /** Whether everything is kept. */
    public boolean keepsAll() {
        return othersKept && fields.isEmpty();
    }

    /** What is kept of the field {@code name} of an object: null when it is dropped. */
    public Projection field(String name) {
        Projection p = fields.get(name);
        if (p == null) {
            return othersKept ? ALL : null;
        }
        return p == DROPPED ? null : p;
    }

    /**
     * The node narrowed to this projection. The node is not changed: objects and lists that lose something are new,
     * everything kept whole is shared with it, and a node that loses nothing is returned as it is.
     */
    public JsonNode apply(JsonNode node) {
        return keepsAll() || !narrows(node) ? node : narrowed(node);
    }

    /** {@link #apply} for an object. */
    public ObjectNode apply(ObjectNode object) {
        return (ObjectNode) apply((JsonNode) object);
    }

    private boolean narrows(JsonNode node) {
        if (keepsAll()) {
            return false;
        }
        if (node instanceof ArrayNode array) {
            for (JsonNode element : array) {
                if (narrows(element)) {
                    return true;
                }
            }
            return false;
        }
        if (!(node instanceof ObjectNode object)) {
            return false;
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            Projection p = field(field.getKey());
            if (p == null || p.narrows(field.getValue())) {
                return true;
            }
        }
        return false;
    }

    private JsonNode narrowed(JsonNode node) {
        if (keepsAll()) {
            return node;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = Json.MAPPER.createArrayNode();
            for (JsonNode element : array) {
                copy.add(narrowed(element));
            }
            return copy;
        }
        if (!(node instanceof ObjectNode object)) {
            return node;
        }
        ObjectNode copy = Json.object();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            Projection p = field(field.getKey());
            if (p != null) {
                copy.set(field.getKey(), p.narrowed(field.getValue()));
            }
        }
        return copy;
    }

    @Override
    public String toString() {
        return keepsAll() ? "ALL" : this == DROPPED ? "DROPPED" : (othersKept ? "all but " : "only ") + fields;
    }
}
