package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watcher resuming from an older revision gets the history as live watchers got it: every event with its type,
 * the object at that revision, its previous state and the served JSON, although the history keeps only bytes.
 */
class WatchCacheHistoryTest extends ConfigMapCacheFixture {
    private static final String KEY = key("default", "c");

    private static byte[] configMap(String value) {
        return configMap("default", "c", value);
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
