package io.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a fresh SQLite file per test, plus what only an embedded file store has to promise. */
class SqliteStoreTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected Store openStore() {
        return SqliteStore.open(dir.resolve("store.db"));
    }

    @Test
    void dataAndRevisionsSurviveCloseAndReopen() {
        long r1 = store.create(p + "a", b("1"));
        long r2 = store.update(p + "a", b("2"), r1);
        store.create(p + "b", b("1"));
        long deleted = store.delete(p + "b", 0);
        store.compact(r2);
        store.close();

        store = SqliteStore.open(dir.resolve("store.db"));
        assertThat(store.currentRevision()).isEqualTo(deleted);
        assertThat(store.compactedRevision()).isEqualTo(r2);
        KeyValue a = store.get(p + "a").orElseThrow();
        assertThat(s(a.value())).isEqualTo("2");
        assertThat(a.createRevision()).isEqualTo(r1);
        assertThat(store.get(p + "b")).isEmpty();
        assertThat(store.create(p + "c", b("1"))).isEqualTo(deleted + 1);
    }

    @Test
    void revisionsStayAfterACompactedTrailingDelete() {
        long r = store.create(p + "a", b("1"));
        long deleted = store.delete(p + "a", r);
        store.compact(deleted);
        store.close();
        store = SqliteStore.open(dir.resolve("store.db"));
        assertThat(store.currentRevision()).isEqualTo(deleted);
    }

    @Test
    void aSecondOpenOfTheSameFileIsRefused() {
        assertThatThrownBy(() -> SqliteStore.open(dir.resolve("store.db")))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void groupCommitKeepsUpWithSixteenWriters() throws Exception {
        int threads = 16;
        int perThread = 500;
        long startNanos = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.create(p + thread + "/" + i, b("{\"some\":\"json value of typical size\"}"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = threads * perThread / seconds;
        System.out.printf("SqliteStore: %d creates from %d threads in %.2f s = %.0f/s%n",
                threads * perThread, threads, seconds, rate);
        assertThat(store.currentRevision()).isEqualTo(threads * perThread);
        // The target is 5,000/s; the floor leaves room for a busy build machine while still catching a
        // store that fsyncs once per write instead of once per batch.
        assertThat(rate).isGreaterThan(1500);
    }
}
