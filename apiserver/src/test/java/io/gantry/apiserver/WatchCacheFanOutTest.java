package io.gantry.apiserver;

import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.watch.CacheEvent;
import io.gantry.apiserver.watch.WatchCache;
import io.gantry.apiserver.watch.Watcher;
import io.gantry.store.ListResult;
import io.gantry.store.SqliteStore;
import io.gantry.store.Store;
import io.gantry.store.Watch;
import io.gantry.store.WatchEvent;
import io.gantry.store.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A thousand watchers cost one store watch, and each sees every event once, in order. */
class WatchCacheFanOutTest {
    @TempDir
    Path tmp;

    /** Passes every call to a real store; the stores below change how watches behave. */
    private static class ForwardingStore implements Store {
        final Store delegate;

        ForwardingStore(Store delegate) {
            this.delegate = delegate;
        }

        public long currentRevision() { return delegate.currentRevision(); }
        public Optional<KeyValue> get(String key) { return delegate.get(key); }
        public ListResult list(String p, long r, String s, int l) { return delegate.list(p, r, s, l); }
        public long create(String k, byte[] v) { return delegate.create(k, v); }
        public long update(String k, byte[] v, long e) { return delegate.update(k, v, e); }
        public long delete(String k, long e) { return delegate.delete(k, e); }
        public Watch watch(String p, long a, Consumer<WatchEvent> l, Consumer<Throwable> f) {
            return delegate.watch(p, a, l, f);
        }
        public void compact(long r) { delegate.compact(r); }
        public long compactedRevision() { return delegate.compactedRevision(); }
        public void close() { delegate.close(); }
    }

    /** Counts the watches opened on the store it wraps, and keeps the last failure callback. */
    private static final class CountingStore extends ForwardingStore {
        private final AtomicInteger watches;
        private final java.util.concurrent.atomic.AtomicReference<Consumer<Throwable>> lastFailure =
                new java.util.concurrent.atomic.AtomicReference<>();

        CountingStore(Store delegate, AtomicInteger watches) {
            super(delegate);
            this.watches = watches;
        }

        java.util.concurrent.atomic.AtomicReference<Consumer<Throwable>> lastFailure() {
            return lastFailure;
        }

        @Override
        public Watch watch(String p, long a, Consumer<WatchEvent> l, Consumer<Throwable> f) {
            watches.incrementAndGet();
            lastFailure.set(f);
            return delegate.watch(p, a, l, f);
        }
    }

    /** Delivers deletions without their last value, as etcd does when that value was compacted away. */
    private static final class ValuelessDeletes extends ForwardingStore {
        ValuelessDeletes(Store delegate) {
            super(delegate);
        }

        @Override
        public Watch watch(String p, long a, Consumer<WatchEvent> l, Consumer<Throwable> f) {
            return delegate.watch(p, a, e -> l.accept(e.type() == WatchEvent.Type.DELETE
                    ? new WatchEvent(e.type(), e.key(), new byte[0], e.revision()) : e), f);
        }
    }

    @Test
    void aDeletionWithoutItsLastValueEndsTheObjectWithTheCachedState() throws Exception {
        try (Store store = new ValuelessDeletes(SqliteStore.open(tmp.resolve("d.db")))) {
            ResourceType configMaps = ResourceRegistry.builtIn().byKind("v1", "ConfigMap").orElseThrow();
            WatchCache cache = new WatchCache(configMaps, store, 100);
            cache.start();
            Watcher watcher = cache.watch(store.currentRevision(), e -> true);
            var cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
            cm.putObject("metadata").put("name", "gone").put("namespace", "default");
            long created = store.create("/registry/configmaps/default/gone", Json.bytes(cm));
            long deleted = store.delete("/registry/configmaps/default/gone", 0);

            CacheEvent added = watcher.poll(10, TimeUnit.SECONDS);
            CacheEvent removed = watcher.poll(10, TimeUnit.SECONDS);
            assertThat(removed.type()).isEqualTo(CacheEvent.Type.DELETED);
            assertThat(removed.object().at("/metadata/name").asText()).isEqualTo("gone");
            assertThat(Json.parseObject(removed.objectJson()).at("/metadata/resourceVersion").asLong())
                    .isEqualTo(deleted);
            assertThat(added.object().at("/metadata/resourceVersion").asLong()).isEqualTo(created);
            assertThat(cache.get("/registry/configmaps/default/gone")).isEmpty();
            cache.close();
        }
    }

    @Test
    void thousandWatchersOneStoreWatch() throws Exception {
        AtomicInteger storeWatches = new AtomicInteger();
        try (Store store = new CountingStore(SqliteStore.open(tmp.resolve("s.db")), storeWatches)) {
            ResourceType configMaps = ResourceRegistry.builtIn().byKind("v1", "ConfigMap").orElseThrow();
            WatchCache cache = new WatchCache(configMaps, store, 1000);
            cache.start();
            long start = store.currentRevision();
            List<Watcher> watchers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                watchers.add(cache.watch(start, e -> true));
            }
            int changes = 50;
            for (int i = 0; i < changes; i++) {
                var cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
                cm.putObject("metadata").put("name", "c" + i).put("namespace", "default");
                store.create("/registry/configmaps/default/c" + i, Json.bytes(cm));
            }
            for (Watcher w : watchers) {
                long last = start;
                for (int i = 0; i < changes; i++) {
                    CacheEvent e = w.poll(10, TimeUnit.SECONDS);
                    assertThat(e).isNotNull();
                    assertThat(e.revision()).isGreaterThan(last);
                    assertThat(e.type()).isEqualTo(CacheEvent.Type.ADDED);
                    last = e.revision();
                }
                assertThat(w.poll(0, TimeUnit.SECONDS)).isNull();
                w.close();
            }
            assertThat(storeWatches.get()).isEqualTo(1);
            assertThat(cache.watcherCount()).isZero();
            cache.close();
            // A watch from a revision older than a cache's history is refused with 410.
            WatchCache later = new WatchCache(configMaps, store, 10);
            later.start();
            assertThatThrownBy(() -> later.watch(start, e -> true)).hasMessageContaining("too old");
            later.close();
        }
    }

    @Test
    void aFailedStoreWatchEndsWatchersAndRebuildsTheCache() throws Exception {
        AtomicInteger storeWatches = new AtomicInteger();
        CountingStore store = new CountingStore(SqliteStore.open(tmp.resolve("f.db")), storeWatches);
        try (store) {
            ResourceType configMaps = ResourceRegistry.builtIn().byKind("v1", "ConfigMap").orElseThrow();
            WatchCache cache = new WatchCache(configMaps, store, 100);
            cache.start();
            Watcher watcher = cache.watch(-1, e -> true);
            store.lastFailure().get().accept(new IllegalStateException("compacted"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(watcher::isDone);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> storeWatches.get() == 2);
            var cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
            cm.putObject("metadata").put("name", "after").put("namespace", "default");
            store.create("/registry/configmaps/default/after", Json.bytes(cm));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> cache.get("/registry/configmaps/default/after").isPresent());
            cache.close();
        }
    }
}
