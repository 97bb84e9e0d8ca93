package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watcher resuming from an older revision gets the history as live watchers got it: every event with its type,
 * the object at that revision, its previous state and the served JSON, although the history keeps only bytes.
 */
class WatchCacheHistoryTest {
    private static final ResourceType CONFIG_MAPS = ResourceRegistry.builtIn().byKind("v1", "ConfigMap").orElseThrow();
    private static final String KEY = "/registry/configmaps/default/c";

    @TempDir
    Path tmp;
    SqliteStore store;
    WatchCache cache;

    @BeforeEach
    void start() {
        store = SqliteStore.open(tmp.resolve("store.db"));
        cache = new WatchCache(CONFIG_MAPS, store, 100);
        cache.start();
    }

    @AfterEach
    void stop() {
        cache.close();
        store.close();
    }

    private static byte[] configMap(String value) {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "c").put("namespace", "default");
        cm.putObject("data").put("k", value);
        return ObjectStorage.encode(cm);
    }

    @Test
    void aResumedWatchReplaysEachVersionWithItsPreviousState() throws InterruptedException {
        long before = cache.revision();
        long created = store.create(KEY, configMap("one"));
        long updated = store.update(KEY, configMap("two"), created);
        long deleted = store.delete(KEY, updated);
        await().atMost(10, TimeUnit.SECONDS).until(() -> cache.revision() == deleted);

        List<CacheEvent> live = new ArrayList<>();
        try (Watcher watcher = cache.watch(before, e -> true)) {
            for (int i = 0; i < 3; i++) {
                live.add(watcher.poll(5, TimeUnit.SECONDS));
            }
        }
        assertThat(live).extracting(CacheEvent::type)
                .containsExactly(CacheEvent.Type.ADDED, CacheEvent.Type.MODIFIED, CacheEvent.Type.DELETED);
        assertThat(live).extracting(CacheEvent::revision).containsExactly(created, updated, deleted);
        assertThat(live.get(0).previous()).isNull();
        assertThat(live.get(1).object().at("/data/k").asText()).isEqualTo("two");
        assertThat(live.get(1).previous().at("/data/k").asText()).isEqualTo("one");
        assertThat(live.get(1).previous().at("/metadata/resourceVersion").asText()).isEqualTo(Long.toString(created));
        assertThat(live.get(2).object().at("/data/k").asText()).isEqualTo("two");
        assertThat(live.get(2).previous().at("/data/k").asText()).isEqualTo("two");
        ObjectNode served = Json.parseObject(live.get(2).objectJson());
        assertThat(served.at("/metadata/resourceVersion").asText()).isEqualTo(Long.toString(deleted));
        assertThat(served.at("/data/k").asText()).isEqualTo("two");

        // from the middle of the history: only what came after
        try (Watcher watcher = cache.watch(created, e -> true)) {
            CacheEvent next = watcher.poll(5, TimeUnit.SECONDS);
            assertThat(next.type()).isEqualTo(CacheEvent.Type.MODIFIED);
            assertThat(next.revision()).isEqualTo(updated);
        }
    }
}
