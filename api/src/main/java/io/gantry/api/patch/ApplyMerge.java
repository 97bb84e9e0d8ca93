package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;

/**
 * A simplified server-side apply for an object that already exists: merges the applied configuration into the
 * live object.
 *
 * <ul>
 *   <li>Every field present in {@code applied} overwrites the live value; objects merge recursively.</li>
 *   <li>Lists whose field has a merge key ({@link PatchStrategies}) merge by that key: an applied element is
 *       merged into the live element with the same key, applied elements with new keys are appended. Every other
 *       list (including sets of primitives such as finalizers) is replaced by the applied list.</li>
 *   <li>Fields absent from {@code applied} are kept, whoever set them.</li>
 *   <li>A {@code null} in {@code applied} removes the field.</li>
 * </ul>
 *
 * <p>There is no {@code managedFields} tracking yet: nothing records which manager owns which field, so a field
 * the applier set before and has now dropped from its configuration is <em>not</em> removed, and there are no
 * conflicts between managers. The live object's {@code metadata.managedFields} is left as it is.
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
        String mergeKey = field.strategy().filter(ListStrategy::merges).map(ListStrategy::mergeKey).orElse(null);
        if (current != null && current.isArray() && value.isArray() && mergeKey != null) {
            return mergeByKey((ArrayNode) current, (ArrayNode) value, mergeKey, field.schema().element());
        }
        return value.deepCopy();
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
