package io.gantry.apiserver.lifecycle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.NamespaceLookup;
import io.gantry.apiserver.storage.Meta;
import io.gantry.apiserver.storage.ObjectKeys;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.apiserver.storage.StoredObject;
import io.gantry.apiserver.watch.WatchCache;

import java.util.Optional;

/**
 * Looks namespaces up in the watch cache, falling back to the store when the cache has not seen a namespace
 * yet (one created a moment ago), so creates pay no store read in the common case.
 */
public final class CacheNamespaceLookup implements NamespaceLookup {
    private final ResourceType namespaceType;
    private final WatchCache cache;
    private final ObjectStorage storage;

    public CacheNamespaceLookup(ResourceType namespaceType, WatchCache cache, ObjectStorage storage) {
        this.namespaceType = namespaceType;
        this.cache = cache;
        this.storage = storage;
    }

    @Override
    public void requireWritable(String namespace) {
        Optional<ObjectNode> ns = cache.get(ObjectKeys.key(namespaceType, "", namespace));
        if (ns.isEmpty()) {
            ns = storage.get(namespaceType, "", namespace).map(StoredObject::object);
        }
        if (ns.isEmpty()) {
            throw ApiException.notFound(namespaceType, namespace);
        }
        if (Meta.deleting(ns.get())) {
            throw new ApiException(403, "Forbidden", "unable to create new content in namespace " + namespace
                    + " because it is being terminated", "", "namespaces", namespace, java.util.List.of());
        }
    }
}
