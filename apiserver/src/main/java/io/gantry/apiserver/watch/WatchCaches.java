package io.gantry.apiserver.watch;

import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.store.Store;

import java.util.LinkedHashMap;
import java.util.Map;

/** One {@link WatchCache} per resource type, started together with the API server. */
public final class WatchCaches implements AutoCloseable {
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

    /** Watchers currently registered across all kinds. */
    public int watcherCount() {
        return caches.values().stream().mapToInt(WatchCache::watcherCount).sum();
    }

    @Override
    public void close() {
        caches.values().forEach(WatchCache::close);
    }
}
