package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Strategic merge patch, applied the way the Kubernetes API server applies it (apimachinery
 * {@code strategicpatch} with parallel lists merged and unmatched nulls ignored).
 *
 * <ul>
 *   <li>Objects merge recursively; {@code null} removes a key.</li>
 *   <li>Lists whose field is tagged {@code patchStrategy: merge} merge: lists of objects by their
 *       {@code patchMergeKey}, lists of primitives as a set union. Other lists are replaced.</li>
 *   <li>Directives: {@code $patch: replace|delete} on an object or as a list element, {@code $retainKeys},
 *       {@code $setElementOrder/<field>} and {@code $deleteFromPrimitiveList/<field>}. None of them is ever left
 *       in the result.</li>
 *   <li>Order of a merged list, as Kubernetes does it: without {@code $setElementOrder}, elements named in the
 *       patch come in patch order and the others keep their live order, interleaved so that elements of both
 *       kinds that were in the live list keep their relative position; elements new to the list therefore end
 *       up <em>before</em> the live-only ones (as {@code kubectl patch} shows). With {@code $setElementOrder} the
 *       listed elements take that order and the others are interleaved the same way.</li>
 * </ul>
 *
 * <p>Which fields merge is learned from the fabric8 model class of the object ({@link PatchStrategies} and
 * Jackson's introspection). Fields the model does not know are merged like a JSON merge patch. One deliberate
 * difference: {@code $patch: merge} is accepted as a no-op, where Kubernetes rejects it.
 */
public final class StrategicMergePatch {
    static final String PATCH = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ELEMENT_ORDER = "$setElementOrder/";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

    private StrategicMergePatch() {
    }

    /** Applies {@code patch} to {@code original}; neither argument is modified. */
    public static ObjectNode apply(ObjectNode original, ObjectNode patch, Class<?> modelClass) {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(patch, "patch");
        Objects.requireNonNull(modelClass, "modelClass");
        return mergeMap(original.deepCopy(), patch.deepCopy(), Schema.of(modelClass));
    }

    // Both arguments are private copies from here on and are modified freely.
    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, Schema schema) {
        JsonNode directive = patch.remove(PATCH);
        if (directive != null) {
            switch (directiveName(directive)) {
                case "replace" -> {
                    return mergeMap(newObject(), patch, schema);
                }
                case "delete" -> {
                    return newObject();
                }
                case "merge" -> {
                    // the default; Kubernetes rejects it, accepting it costs nothing
                }
                default -> throw PatchException.badRequest("unknown patch type: " + directive.asText()
                        + " in map: " + patch);
            }
        }
        retainKeys(original, patch);
        setElementOrder(original, patch, schema);
        deleteFromPrimitiveLists(original, patch);
        for (String key : names(patch)) {
            JsonNode value = patch.get(key);
            if (key.startsWith("$")) {
                continue; // an unknown directive never reaches the object
            }
            if (value.isNull()) {
                original.remove(key);
                continue;
            }
            original.set(key, mergeValue(original.get(key), value, schema.field(key)));
        }
        return original;
    }

    private static JsonNode mergeValue(JsonNode current, JsonNode value, Schema.Field field) {
        if (current == null || current.isNull()) {
            return fresh(value, field);
        }
        if (current.isObject() && value.isObject()) {
            if (field.strategy().map(ListStrategy::replaces).orElse(false)) {
                return fresh(value, field);
            }
            return mergeMap((ObjectNode) current, (ObjectNode) value, field.schema());
        }
        if (current.isArray() && value.isArray()) {
            return mergeList((ArrayNode) current, (ArrayNode) value, field);
        }
        return fresh(value, field);
    }

    /** A patch value that lands where there was nothing: merged into emptiness so directives and nulls go. */
    private static JsonNode fresh(JsonNode value, Schema.Field field) {
        if (value.isObject()) {
            return mergeMap(newObject(), (ObjectNode) value, field.schema());
        }
        if (value.isArray()) {
            return mergeList(newArray(), (ArrayNode) value, field);
        }
        return value;
    }

    private static void retainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw PatchException.badRequest("invalid patch format of retainKeys");
        }
        Set<String> keep = new HashSet<>();
        for (JsonNode key : retain) {
            if (!key.isTextual()) {
                throw PatchException.badRequest("invalid patch format of retainKeys");
            }
            keep.add(key.asText());
        }
        for (String key : names(patch)) {
            if (patch.get(key).isNull() || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
                    || key.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            if (!keep.contains(key)) {
                throw PatchException.unprocessable("patch content doesn't match retainKeys list: \"" + key
                        + "\" is not in " + retain);
            }
        }
        original.retain(keep);
    }

    private static void deleteFromPrimitiveLists(ObjectNode original, ObjectNode patch) {
        for (String key : names(patch)) {
            if (!key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                continue;
            }
            JsonNode toDelete = patch.remove(key);
            String field = key.substring(DELETE_FROM_PRIMITIVE_LIST.length());
            if (!toDelete.isArray() || field.isEmpty()) {
                throw PatchException.badRequest("invalid patch format of primitive list");
            }
            JsonNode current = original.get(field);
            if (current != null && current.isArray()) {
                ArrayNode kept = newArray();
                for (JsonNode item : current) {
                    if (indexOf(elements(toDelete), item, null) < 0) {
                        kept.add(item);
                    }
                }
                original.set(field, kept);
            }
        }
    }

    /**
     * Merges each list named by a {@code $setElementOrder/<field>} directive and puts it in that order; the
     * patch list is then consumed so the main loop does not merge it again.
     */
    private static void setElementOrder(ObjectNode original, ObjectNode patch, Schema schema) {
        for (String key : names(patch)) {
            if (!key.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            JsonNode order = patch.remove(key);
            String field = key.substring(SET_ELEMENT_ORDER.length());
            if (!order.isArray() || field.isEmpty()) {
                throw PatchException.badRequest("invalid patch format of setElementOrder list");
            }
            JsonNode originalList = original.get(field);
            JsonNode patchList = patch.get(field);
            boolean foundOriginal = originalList != null && originalList.isArray();
            boolean foundPatch = patchList != null && patchList.isArray();
            if (patchList != null && !foundPatch) {
                continue; // e.g. the list is being removed with null: nothing to order
            }
            Schema.Field listField = schema.field(field);
            String mergeKey = listField.strategy().map(ListStrategy::mergeKey).orElse(null);
            if (foundPatch) {
                validateOrder(elements(patchList), elements(order), mergeKey);
            }
            List<JsonNode> serverOrder = foundOriginal ? elements(originalList) : List.of();
            List<JsonNode> merged;
            if (foundOriginal && foundPatch) {
                merged = elements(mergeList((ArrayNode) originalList, (ArrayNode) patchList, listField));
            } else if (foundPatch) {
                merged = elements(mergeList(newArray(), (ArrayNode) patchList, listField));
            } else if (foundOriginal) {
                merged = serverOrder;
            } else {
                continue;
            }
            List<JsonNode> orderList = elements(order);
            List<JsonNode> listed = new ArrayList<>();
            List<JsonNode> serverOnly = new ArrayList<>();
            for (JsonNode item : merged) {
                (indexOf(orderList, item, mergeKey) >= 0 ? listed : serverOnly).add(item);
            }
            original.set(field, toArray(normalizeOrder(listed, serverOnly, orderList, serverOrder, mergeKey)));
            patch.remove(field);
        }
    }

    /** The elements of the patch list must appear in the same relative order as in {@code $setElementOrder}. */
    private static void validateOrder(List<JsonNode> patchList, List<JsonNode> order, String mergeKey) {
        List<JsonNode> items = patchList.stream()
                .filter(item -> !(item.isObject() && item.has(PATCH)))
                .toList();
        int p = 0;
        int o = 0;
        while (p < items.size() && o < order.size()) {
            if (Nodes.same(identity(items.get(p), mergeKey, true), identity(order.get(o), mergeKey, true))) {
                p++;
            }
            o++;
        }
        if (p < items.size()) {
            throw PatchException.badRequest("The order in patch list: " + patchList + " doesn't match "
                    + SET_ELEMENT_ORDER + " list: " + order);
        }
    }

    private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, Schema.Field field) {
        Schema elementSchema = field.schema().element();
        ListStrategy strategy = field.strategy().orElse(null);
        if (strategy == null || !strategy.merges()) {
            return replaceList(patch, elementSchema);
        }
        if (strategy.mergeKey() == null) {
            return mergePrimitiveList(original, patch);
        }
        return mergeObjectList(original, patch, strategy.mergeKey(), elementSchema);
    }

    private static ArrayNode replaceList(ArrayNode patch, Schema elementSchema) {
        ArrayNode result = newArray();
        for (JsonNode item : patch) {
            if (item.isObject()) {
                if (item.has(PATCH)) {
                    continue;
                }
                result.add(mergeMap(newObject(), (ObjectNode) item, elementSchema));
            } else {
                result.add(item);
            }
        }
        return result;
    }

    private static ArrayNode mergePrimitiveList(ArrayNode original, ArrayNode patch) {
        List<JsonNode> patchItems = new ArrayList<>();
        boolean replace = false;
        for (JsonNode item : patch) {
            if (item.isObject()) {
                JsonNode directive = item.get(PATCH);
                if (directive != null && directiveName(directive).equals("replace")) {
                    replace = true;
                    continue;
                }
                throw PatchException.badRequest("cannot merge lists without merge key: " + item);
            }
            if (item.isArray()) {
                throw PatchException.badRequest("lists of lists are not supported");
            }
            patchItems.add(item);
        }
        if (replace) {
            return toArray(distinct(patchItems));
        }
        List<JsonNode> serverOrder = elements(original);
        List<JsonNode> both = new ArrayList<>(serverOrder);
        both.addAll(patchItems);
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode item : distinct(both)) {
            (indexOf(patchItems, item, null) >= 0 ? inPatch : serverOnly).add(item);
        }
        return toArray(normalizeOrder(inPatch, serverOnly, patchItems, serverOrder, null));
    }

    private static ArrayNode mergeObjectList(ArrayNode original, ArrayNode patch, String mergeKey,
                                             Schema elementSchema) {
        List<JsonNode> live = elements(original);
        List<ObjectNode> patchItems = new ArrayList<>();
        boolean replace = false;
        for (JsonNode item : patch) {
            if (!item.isObject()) {
                throw PatchException.badRequest("list element types are not identical: " + patch);
            }
            JsonNode directive = item.get(PATCH);
            if (directive == null) {
                patchItems.add((ObjectNode) item);
                continue;
            }
            switch (directiveName(directive)) {
                case "delete" -> {
                    JsonNode key = mergeKeyOf(item, mergeKey);
                    live.removeIf(element -> Nodes.same(element.get(mergeKey), key));
                }
                case "replace" -> replace = true;
                case "merge" -> {
                    ObjectNode rest = ((ObjectNode) item).deepCopy();
                    rest.remove(PATCH);
                    if (!rest.isEmpty()) {
                        patchItems.add(rest);
                    }
                }
                default -> throw PatchException.badRequest("unknown patch type: " + directive.asText()
                        + " in map: " + item);
            }
        }
        if (replace) {
            // the patch items are the whole list, in their own order
            live = new ArrayList<>();
            for (ObjectNode item : patchItems) {
                live.add(mergeMap(newObject(), item, elementSchema));
            }
            return toArray(live);
        }
        List<JsonNode> patchOrder = new ArrayList<>();
        for (ObjectNode item : patchItems) {
            patchOrder.add(newObject().set(mergeKey, mergeKeyOf(item, mergeKey)));
        }
        List<JsonNode> merged = new ArrayList<>(live);
        for (ObjectNode item : patchItems) {
            int at = indexOf(merged, item, mergeKey);
            if (at >= 0 && merged.get(at).isObject()) {
                merged.set(at, mergeMap((ObjectNode) merged.get(at), item, elementSchema));
            } else {
                merged.add(mergeMap(newObject(), item, elementSchema));
            }
        }
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode item : merged) {
            (indexOf(patchOrder, item, mergeKey) >= 0 ? inPatch : serverOnly).add(item);
        }
        return toArray(normalizeOrder(inPatch, serverOnly, patchOrder, live, mergeKey));
    }

    /**
     * Sorts the patch elements by {@code patchOrder} and the live-only elements by {@code serverOrder}, then
     * interleaves them: a live-only element goes before the next patch element only when both were in the live
     * list and it came first there.
     */
    private static List<JsonNode> normalizeOrder(List<JsonNode> patchItems, List<JsonNode> serverOnly,
                                                 List<JsonNode> patchOrder, List<JsonNode> serverOrder,
                                                 String mergeKey) {
        List<JsonNode> right = sortedBy(patchItems, patchOrder, mergeKey);
        List<JsonNode> left = sortedBy(serverOnly, serverOrder, mergeKey);
        List<JsonNode> result = new ArrayList<>(left.size() + right.size());
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (j >= right.size()) {
                result.add(left.get(i++));
            } else if (i >= left.size()) {
                result.add(right.get(j++));
            } else {
                int li = indexOf(serverOrder, left.get(i), mergeKey);
                int ri = indexOf(serverOrder, right.get(j), mergeKey);
                if (li >= 0 && ri >= 0 && li < ri) {
                    result.add(left.get(i++));
                } else {
                    result.add(right.get(j++));
                }
            }
        }
        return result;
    }

    private static List<JsonNode> sortedBy(List<JsonNode> items, List<JsonNode> order, String mergeKey) {
        Function<JsonNode, Integer> position = item -> {
            int at = indexOf(order, item, mergeKey);
            return at < 0 ? Integer.MAX_VALUE : at;
        };
        List<JsonNode> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(position));
        return sorted;
    }

    /** Position of {@code item} in {@code list}, comparing merge key values (or whole values for primitives). */
    private static int indexOf(List<JsonNode> list, JsonNode item, String mergeKey) {
        JsonNode wanted = identity(item, mergeKey, false);
        if (wanted == null) {
            return -1;
        }
        for (int i = 0; i < list.size(); i++) {
            if (Nodes.same(identity(list.get(i), mergeKey, false), wanted)) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode identity(JsonNode item, String mergeKey, boolean required) {
        if (mergeKey == null) {
            return item;
        }
        if (!item.isObject()) {
            return null;
        }
        return required ? mergeKeyOf(item, mergeKey) : item.get(mergeKey);
    }

    private static JsonNode mergeKeyOf(JsonNode item, String mergeKey) {
        JsonNode key = item.get(mergeKey);
        if (key == null) {
            throw PatchException.badRequest("map: " + item + " does not contain declared merge key: " + mergeKey);
        }
        return key;
    }

    private static List<JsonNode> distinct(List<JsonNode> items) {
        List<JsonNode> result = new ArrayList<>();
        for (JsonNode item : items) {
            if (indexOf(result, item, null) < 0) {
                result.add(item);
            }
        }
        return result;
    }

    private static String directiveName(JsonNode directive) {
        if (!directive.isTextual()) {
            throw PatchException.badRequest("invalid value for special key: " + PATCH);
        }
        return directive.asText();
    }

    private static List<String> names(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> list = new ArrayList<>(array.size());
        array.forEach(list::add);
        return list;
    }

    private static ArrayNode toArray(List<JsonNode> items) {
        ArrayNode array = newArray();
        items.forEach(array::add);
        return array;
    }

    private static ObjectNode newObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static ArrayNode newArray() {
        return JsonNodeFactory.instance.arrayNode();
    }
}
