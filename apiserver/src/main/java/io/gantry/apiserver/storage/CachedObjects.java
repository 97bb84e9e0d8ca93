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
}
