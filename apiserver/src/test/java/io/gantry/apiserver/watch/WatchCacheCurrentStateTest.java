package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache's current state (point reads, lists, a new watcher's initial state) follows creates, changes and
 * deletions in key order; a cache started later loads what the store holds then.
 */
class WatchCacheCurrentStateTest extends ConfigMapCacheFixture {
    private static List<String> names(List<ObjectNode> objects) {
        return objects.stream().map(o -> o.at("/metadata/namespace").asText() + "/" + o.at("/metadata/name").asText())
                .toList();
    }

    private void awaitRevision(long revision) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> cache.revision() >= revision);
    }

    @Test
    void readsListsAndNewWatchersFollowChangesInKeyOrder() throws InterruptedException {
        long c = store.create(key("b", "c"), configMap("b", "c", "1"));
        store.create(key("a", "z"), configMap("a", "z", "1"));
        long x = store.create(key("b", "a"), configMap("b", "a", "1"));
        store.create(key("a", "m"), configMap("a", "m", "1"));
        long changed = store.update(key("b", "c"), configMap("b", "c", "2"), c);
        long deleted = store.delete(key("b", "a"), x);
        awaitRevision(deleted);

        assertThat(cache.get(key("b", "c")).orElseThrow().at("/data/k").asText()).isEqualTo("2");
        assertThat(cache.get(key("b", "c")).orElseThrow().at("/metadata/resourceVersion").asText())
                .isEqualTo(Long.toString(changed));
        assertThat(cache.get(key("b", "a"))).isEmpty();
        assertThat(names(cache.list(PREFIX).items())).containsExactly("a/m", "a/z", "b/c");
        assertThat(names(cache.list(PREFIX + "b/").items())).containsExactly("b/c");
        assertThat(cache.list(PREFIX).revision()).isEqualTo(deleted);
        assertThat(names(new ArrayList<>(cache.snapshot()))).containsExactly("a/m", "a/z", "b/c");

        List<ObjectNode> initial = new ArrayList<>();
        try (Watcher watcher = cache.watch(-1, e -> true)) {
            for (int i = 0; i < 3; i++) {
                CacheEvent event = watcher.poll(5, TimeUnit.SECONDS);
                assertThat(event.type()).isEqualTo(CacheEvent.Type.ADDED);
                initial.add(event.object());
            }
        }
        assertThat(names(initial)).containsExactly("a/m", "a/z", "b/c");
    }

    @Test
    void aCacheStartedLaterLoadsWhatTheStoreHoldsThen() {
        long one = store.create(key("a", "one"), configMap("a", "one", "1"));
        awaitRevision(one);
        cache.close();
        long two = store.create(key("a", "two"), configMap("a", "two", "1"));
        store.delete(key("a", "one"), one);

        WatchCache rebuilt = new WatchCache(CONFIG_MAPS, store, 100);
        try {
            rebuilt.start();
            assertThat(rebuilt.get(key("a", "one"))).isEmpty();
            assertThat(rebuilt.get(key("a", "two")).orElseThrow().at("/metadata/resourceVersion").asText())
                    .isEqualTo(Long.toString(two));
            assertThat(names(rebuilt.list(PREFIX).items())).containsExactly("a/two");
        } finally {
            rebuilt.close();
        }
    }
}
