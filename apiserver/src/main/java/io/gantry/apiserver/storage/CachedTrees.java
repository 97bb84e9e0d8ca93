package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.RawJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The watch cache's trees keep {@code metadata.managedFields} as the raw JSON bytes they were stored as
 * ({@link RawJson}), not as a tree. In a pod, managedFields are four fifths of the JSON nodes, and nothing that reads
 * the cache looks into them: answers and watch events are serialized (the raw JSON is written back as it was),
 * in-process informers drop them. So the cache holds a quarter of the nodes, parses faster, and leaves the garbage
 * collector less to copy; the raw JSON is the part of the stored bytes that holds them, not a copy. An update starts
 * from {@link #privateCopy}, which parses them again.
 */
public final class CachedTrees {
    private CachedTrees() {
    }

    /** An object as stored, with its resourceVersion, its managedFields kept raw. */
    public static ObjectNode decode(byte[] stored, long revision) {
        long range = StoredJson.managedFieldsRange(stored);
        if (range < 0) {
            return ObjectStorage.decode(stored, revision);
        }
        int start = (int) (range >>> 32);
        int end = (int) range;
        // parse the rest with a placeholder where managedFields was: the member keeps its place in metadata
        byte[] rest = new byte[stored.length - (end - start) + 1];
        System.arraycopy(stored, 0, rest, 0, start);
        rest[start] = '0';
        System.arraycopy(stored, end, rest, start + 1, stored.length - end);
        ObjectNode object = ObjectStorage.decode(rest, revision);
        Meta.metadata(object).set("managedFields", RawJson.slice(stored, start, end - start));
        return object;
    }

    /**
     * A copy of a cached tree that the caller may change, with managedFields parsed, except that each entry's
     * {@code fieldsV1} stays raw JSON: a write reads field sets from it only when a question needs them
     * ({@code FieldSet.fromStoredJson}) and writes an entry it did not change back as the same bytes.
     */
    public static ObjectNode privateCopy(ObjectNode cached) {
        ObjectNode copy = cached.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode metadata && RawJson.isRaw(metadata.get("managedFields"))) {
            metadata.set("managedFields", entries(metadata.get("managedFields")));
        }
        return copy;
    }

    /**
     * A copy of a cached tree for a write that changes only metadata and status (a status write): its root and
     * metadata are the caller's own, managedFields parsed as in {@link #privateCopy}; everything below them (a pod's
     * spec, status, labels) is the cache's tree itself, to be read and never changed. A status write replaces the
     * status and copies the metadata it writes; the spec it stores is the cache's own node, which the tree built
     * for the cache keeps instead of copying it again ({@link EncodedObject#withTree}).
     */
    public static ObjectNode statusWriteCopy(ObjectNode cached) {
        ObjectNode copy = Json.object().setAll(cached);
        if (cached.get("metadata") instanceof ObjectNode metadata) {
            ObjectNode ownMetadata = Json.object().setAll(metadata);
            JsonNode managedFields = metadata.get("managedFields");
            if (RawJson.isRaw(managedFields)) {
                ownMetadata.set("managedFields", entries(managedFields));
            } else if (managedFields != null) {
                ownMetadata.set("managedFields", managedFields.deepCopy());
            }
            copy.set("metadata", ownMetadata);
        }
        return copy;
    }

    /** Raw managedFields as a list of entries whose fieldsV1 stay raw, or wholly parsed when not so shaped. */
    private static JsonNode entries(JsonNode managedFields) {
        byte[] bytes = RawJson.utf8(managedFields);
        List<byte[]> fields = new ArrayList<>();
        byte[] rest = bytes == null ? null : StoredJson.withoutFieldsV1(bytes, fields);
        if (rest != null && parse(rest) instanceof ArrayNode list) {
            int next = 0;
            for (JsonNode entry : list) {
                if (entry instanceof ObjectNode e && e.has("fieldsV1")) {
                    e.set("fieldsV1", RawJson.node(fields.get(next++)));
                }
            }
            if (next == fields.size()) {
                return list;
            }
        }
        return RawJson.parse(managedFields);
    }

    private static JsonNode parse(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }
}
