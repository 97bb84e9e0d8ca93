package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;

import java.util.Optional;

/**
 * Where an update may find an object's recent state without reading the store: the watch cache. The state may be
 * stale; an update started from it fails its compare-and-swap and starts over from the store, as Kubernetes'
 * GuaranteedUpdate does with the cacher's suggestion.
 */
@FunctionalInterface
public interface CachedObjects {
    CachedObjects NONE = (type, key) -> Optional.empty();

    /** The cached object under a store key (a shared tree: do not modify it). */
    Optional<ObjectNode> get(ResourceType type, String key);

    /** Whether the cache takes the trees that writes build for it ({@link #expectWrite}); if not, none are built. */
    default boolean takesWrittenTrees() {
        return false;
    }

    /**
     * A write is about to store {@code encoded} under {@code key}. When the store reports that value, the cache may
     * keep the write's {@link EncodedObject#cacheTree() tree} instead of parsing the bytes back.
     */
    default void expectWrite(ResourceType type, String key, EncodedObject encoded) {
    }

    /** The write of {@code encoded} under {@code key} failed: the store will never report it. */
    default void writeFailed(ResourceType type, String key, EncodedObject encoded) {
    }
}
