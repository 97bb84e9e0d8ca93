package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;

/**
 * The merge step of server-side apply: merges an applied configuration into the live object. Ownership,
 * conflicts and the removal of fields a manager stopped applying are {@code io.gantry.api.apply.ServerSideApply}'s
 * job; this class only combines values.
 *
 * <ul>
 *   <li>Every field present in {@code applied} overwrites the live value; objects merge recursively.</li>
 *   <li>Lists of objects whose field has a merge key ({@link PatchStrategies}) merge by that key: an applied element
 *       is merged into the live element with the same key, applied elements with new keys are appended.</li>
 *   <li>Lists of primitives with the merge strategy (finalizers) are sets: applied values missing from the live
 *       list are appended.</li>
 *   <li>Every other list is atomic and replaced by the applied list.</li>
 *   <li>Fields absent from {@code applied} are kept, whoever set them.</li>
 *   <li>A {@code null} in {@code applied} removes the field.</li>
 * </ul>
 */
public final class ApplyMerge {
    private ApplyMerge() {
    }

    /** Merges {@code applied} into a copy of {@code live}; neither argument is modified. */
    public static ObjectNode apply(ObjectNode live, ObjectNode applied, Class<?> modelClass) {
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(applied, "applied");
        Objects.requireNonNull(modelClass, "modelClass");
        return merge(live.deepCopy(), applied, Schema.of(modelClass));
    }

    private static ObjectNode merge(ObjectNode live, ObjectNode applied, Schema schema) {
        for (Map.Entry<String, JsonNode> field : applied.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                live.remove(name);
            } else {
                live.set(name, mergeValue(live.get(name), value, schema.field(name)));
            }
        }
        return live;
    }

    private static JsonNode mergeValue(JsonNode current, JsonNode value, Schema.Field field) {
        if (current != null && current.isObject() && value.isObject()) {
            return merge((ObjectNode) current, (ObjectNode) value, field.schema());
        }
        boolean merges = field.strategy().map(ListStrategy::merges).orElse(false);
        String mergeKey = field.strategy().map(ListStrategy::mergeKey).orElse(null);
        if (merges && current != null && current.isArray() && value.isArray()) {
            return mergeKey != null
                    ? mergeByKey((ArrayNode) current, (ArrayNode) value, mergeKey, field.schema().element())
                    : mergeSet((ArrayNode) current, (ArrayNode) value);
        }
        return value.deepCopy();
    }

    private static ArrayNode mergeSet(ArrayNode live, ArrayNode applied) {
        for (JsonNode item : applied) {
            boolean present = false;
            for (JsonNode existing : live) {
                present |= Nodes.same(existing, item);
            }
            if (!present) {
                live.add(item.deepCopy());
            }
        }
        return live;
    }

    private static ArrayNode mergeByKey(ArrayNode live, ArrayNode applied, String mergeKey, Schema elementSchema) {
        for (JsonNode item : applied) {
            int at = item.isObject() && item.has(mergeKey) ? indexOf(live, mergeKey, item.get(mergeKey)) : -1;
            if (at >= 0) {
                live.set(at, merge((ObjectNode) live.get(at), (ObjectNode) item, elementSchema));
            } else {
                live.add(item.deepCopy());
            }
        }
        return live;
    }

    private static int indexOf(ArrayNode list, String mergeKey, JsonNode key) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode element = list.get(i);
            if (element.isObject() && Nodes.same(element.get(mergeKey), key)) {
                return i;
            }
        }
        return -1;
    }
}
