package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.storage.CachedObjects;
import io.gantry.apiserver.storage.EncodedObject;
import io.gantry.store.Store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One {@link WatchCache} per resource type, started together with the API server. They are where writes find an
 * object's recent state, and they keep the trees of this server's writes instead of parsing them back.
 */
public final class WatchCaches implements CachedObjects, AutoCloseable {
    private static final int HISTORY_PER_TYPE = 20_000;
    private final Map<ResourceType, WatchCache> caches = new LinkedHashMap<>();

    public WatchCaches(ResourceRegistry registry, Store store) {
        for (ResourceType type : registry.all()) {
            caches.put(type, new WatchCache(type, store, HISTORY_PER_TYPE));
        }
    }

    public void start() {
        caches.values().forEach(WatchCache::start);
    }

    public WatchCache get(ResourceType type) {
        WatchCache cache = caches.get(type);
        if (cache == null) {
            throw new IllegalArgumentException("no watch cache for " + type.groupResource());
        }
        return cache;
    }

    @Override
    public Optional<ObjectNode> get(ResourceType type, String key) {
        return get(type).get(key);
    }

    @Override
    public boolean takesWrittenTrees() {
        return true;
    }

    @Override
    public void expectWrite(ResourceType type, String key, EncodedObject encoded) {
        WatchCache cache = caches.get(type);
        if (cache != null) {
            cache.expectWrite(key, encoded);
        }
    }

    @Override
    public void writeFailed(ResourceType type, String key, EncodedObject encoded) {
        WatchCache cache = caches.get(type);
        if (cache != null) {
            cache.writeFailed(key, encoded);
        }
    }

    /** Watchers currently registered across all kinds. */
    public int watcherCount() {
        return caches.values().stream().mapToInt(WatchCache::watcherCount).sum();
    }

    @Override
    public void close() {
        caches.values().forEach(WatchCache::close);
    }
}
