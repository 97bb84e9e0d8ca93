package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.FieldNames;
import io.gantry.api.Json;
import io.gantry.api.ParsedCopy;
import io.gantry.api.RawJson;

import java.util.Map;

/**
 * An object as a write stores it, and the tree the watch cache keeps of it: what {@link CachedTrees#decode} makes
 * of the stored bytes (without the resourceVersion, which is the revision the store gives the write), built from
 * the written tree instead, about three times faster than parsing the bytes back and off the single thread that
 * feeds the cache. managedFields are written separately, so the raw JSON the cache keeps of them needs no search
 * through the bytes.
 *
 * @param stored    the JSON the store takes: the object without metadata.resourceVersion
 * @param cacheTree the watch cache's tree of it, or null when the cache has to decode the bytes (see
 *                  {@link ParsedCopy}: a value whose parse cannot be reproduced exactly)
 */
public record EncodedObject(byte[] stored, ObjectNode cacheTree) {

    /** The stored JSON alone, when no cache takes the tree. */
    static EncodedObject withoutTree(ObjectNode object) {
        return new EncodedObject(ObjectStorage.encode(object), null);
    }

    /** With the cache's tree, its field names the canonical ones of {@code names}. */
    public static EncodedObject withTree(ObjectNode object, FieldNames names) {
        return withTree(object, names, null);
    }

    /**
     * The same, where a value at the top level, or one level below, that is {@code previous}'s own node at that
     * place (the cached version the write started from, shared with it and never changed) keeps that node instead
     * of a copy ({@link ParsedCopy#of(ObjectNode, ParsedCopy.Raw, FieldNames, ObjectNode)}).
     */
    public static EncodedObject withTree(ObjectNode object, FieldNames names, ObjectNode previous) {
        ObjectNode stored = storedForm(object, true);
        byte[] bytes = Json.bytes(stored);
        ObjectNode tree = ParsedCopy.of(stored, ParsedCopy.Raw.KEEP, names, previous);
        // the tree's managedFields become the part of the stored bytes that holds them: one copy kept, not two
        long range = tree == null ? -1 : StoredJson.managedFieldsRange(bytes);
        if (range >= 0) {
            int start = (int) (range >>> 32);
            Meta.metadata(tree).set("managedFields", RawJson.slice(bytes, start, (int) range - start));
        }
        return new EncodedObject(bytes, tree);
    }

    /**
     * {@code object} as the store takes it: without metadata.resourceVersion (the store's revision) and, if asked,
     * with managedFields as raw JSON. Shallow copies of the two levels that change; the rest of the tree is shared,
     * only read. The object itself when nothing changes.
     */
    static ObjectNode storedForm(ObjectNode object, boolean rawManagedFields) {
        if (!(object.get("metadata") instanceof ObjectNode meta)
                || !meta.has("resourceVersion") && !(rawManagedFields && meta.has("managedFields"))) {
            return object;
        }
        ObjectNode storedMeta = Json.object();
        for (Map.Entry<String, JsonNode> field : meta.properties()) {
            switch (field.getKey()) {
                case "resourceVersion" -> {
                }
                case "managedFields" -> storedMeta.set("managedFields",
                        rawManagedFields ? raw(field.getValue()) : field.getValue());
                default -> storedMeta.set(field.getKey(), field.getValue());
            }
        }
        ObjectNode stored = Json.object().setAll(object);
        stored.set("metadata", storedMeta);
        return stored;
    }

    /** managedFields as the raw JSON the cache keeps them as; written back into the stored JSON as they are. */
    private static JsonNode raw(JsonNode managedFields) {
        return RawJson.isRaw(managedFields) ? managedFields : RawJson.node(Json.bytes(managedFields));
    }
}
