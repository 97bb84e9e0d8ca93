package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.patch.ListStrategy;
import io.gantry.api.patch.Schema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every path of an object, found by walking it along its model class: the shared groundwork of field sets,
 * comparisons and removal. Lists are keyed, set-like or atomic according to {@link io.gantry.api.patch.PatchStrategies}.
 */
final class ObjectFields {
    /** Metadata the server owns or that names the object: never part of anyone's field set, as in Kubernetes. */
    static final Set<String> UNTRACKED_METADATA = Set.of("name", "namespace", "uid", "resourceVersion", "generation",
            "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink");
    private static final Set<String> UNTRACKED_TOP_LEVEL = Set.of("apiVersion", "kind");

    enum Kind {
        /** A scalar, null, atomic list or empty object: owned as a whole. */
        LEAF,
        /** An item of a keyed list: owned itself ({@code .}) and field by field. */
        ITEM,
        /** A non-empty map (labels, annotations, resource lists): owned entry by entry. */
        MAP,
        /** A non-empty struct or list container: only a way to its fields. */
        INNER
    }

    record Node(Kind kind, JsonNode value) {
    }

    private ObjectFields() {
    }

    /** All paths of {@code object} with what lies there, parents before children. */
    static Map<FieldPath, Node> of(ObjectNode object, Class<?> modelClass) {
        Map<FieldPath, Node> out = new LinkedHashMap<>();
        if (object == null) {
            return out;
        }
        Schema schema = Schema.of(modelClass);
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String name = e.getKey();
            if (UNTRACKED_TOP_LEVEL.contains(name)) {
                continue;
            }
            Schema.Field field = schema.field(name);
            FieldPath path = FieldPath.ROOT.field(name);
            if (name.equals("metadata") && e.getValue().isObject()) {
                walkMetadata(e.getValue(), field.schema(), path, out);
            } else {
                walk(e.getValue(), field.schema(), field.strategy(), path, out);
            }
        }
        return out;
    }

    private static void walkMetadata(JsonNode metadata, Schema schema, FieldPath path, Map<FieldPath, Node> out) {
        int tracked = 0;
        for (Map.Entry<String, JsonNode> e : metadata.properties()) {
            if (!UNTRACKED_METADATA.contains(e.getKey())) {
                tracked++;
            }
        }
        if (tracked == 0) {
            return;
        }
        out.put(path, new Node(Kind.INNER, metadata));
        for (Map.Entry<String, JsonNode> e : metadata.properties()) {
            if (!UNTRACKED_METADATA.contains(e.getKey())) {
                Schema.Field field = schema.field(e.getKey());
                walk(e.getValue(), field.schema(), field.strategy(), path.field(e.getKey()), out);
            }
        }
    }

    private static void walk(JsonNode value, Schema schema, Optional<ListStrategy> strategy, FieldPath path,
                             Map<FieldPath, Node> out) {
        if (value.isObject() && !value.isEmpty()) {
            out.put(path, new Node(schema instanceof Schema.Bean ? Kind.INNER : Kind.MAP, value));
            walkFields(value, schema, path, out);
            return;
        }
        if (value.isArray() && !value.isEmpty() && strategy.map(ListStrategy::merges).orElse(false)) {
            String mergeKey = strategy.get().mergeKey();
            if (mergeKey == null && allScalars(value)) {
                out.put(path, new Node(Kind.INNER, value));
                for (JsonNode item : value) {
                    out.put(path.child(new PathElement.Value(item)), new Node(Kind.LEAF, item));
                }
                return;
            }
            if (mergeKey != null && allKeyed(value, mergeKey)) {
                out.put(path, new Node(Kind.INNER, value));
                Schema element = schema.element();
                for (JsonNode item : value) {
                    FieldPath itemPath = path.child(PathElement.Key.of(mergeKey, item.get(mergeKey)));
                    out.put(itemPath, new Node(Kind.ITEM, item));
                    walkFields(item, element, itemPath, out);
                }
                return;
            }
        }
        // Lists without a usable merge key are atomic, like every other list in Kubernetes' schema.
        out.put(path, new Node(Kind.LEAF, value));
    }

    private static void walkFields(JsonNode object, Schema schema, FieldPath path, Map<FieldPath, Node> out) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            Schema.Field field = schema.field(e.getKey());
            walk(e.getValue(), field.schema(), field.strategy(), path.field(e.getKey()), out);
        }
    }

    static boolean allScalars(JsonNode list) {
        for (JsonNode item : list) {
            if (item.isContainerNode() || item.isNull()) {
                return false;
            }
        }
        return true;
    }

    static boolean allKeyed(JsonNode list, String mergeKey) {
        for (JsonNode item : list) {
            if (!item.isObject() || !item.hasNonNull(mergeKey) || item.get(mergeKey).isContainerNode()) {
                return false;
            }
        }
        return true;
    }
}
