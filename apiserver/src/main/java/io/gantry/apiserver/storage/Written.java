package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of a write: the object as stored (with its new resourceVersion) and, made on demand from the bytes
 * the store took, the JSON the API answers with, so the answer is not encoded a second time.
 */
public final class Written {
    private final ObjectNode object;
    private final byte[] stored;
    private final long revision;

    private Written(ObjectNode object, byte[] stored, long revision) {
        this.object = object;
        this.stored = stored;
        this.revision = revision;
    }

    /** A stored write: {@code stored} is the value the store took at {@code revision}. */
    static Written stored(ObjectNode object, byte[] stored, long revision) {
        return new Written(object, stored, revision);
    }

    /** A write that stored nothing (a dry run, a no-op, a completed deletion): only the object is known. */
    public static Written unstored(ObjectNode object) {
        return new Written(object, null, 0);
    }

    public ObjectNode object() {
        return object;
    }

    /**
     * The object's JSON as served, or null when it has to be encoded from {@link #object()}. Valid only while the
     * object is unchanged: callers answer with it right after the write.
     */
    public byte[] servedJson() {
        return stored == null ? null : StoredJson.withResourceVersion(stored, revision);
    }
}
