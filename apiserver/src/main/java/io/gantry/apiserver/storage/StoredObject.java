package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An object read from the store with the revision of its last change (its resourceVersion). */
public record StoredObject(String key, ObjectNode object, long revision) {
}
