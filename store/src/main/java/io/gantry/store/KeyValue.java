package io.gantry.store;

/** One key's value, with the revision that created the key and the revision of its last change. */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {
}
