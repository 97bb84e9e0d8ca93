package io.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
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
    void reopeningRebuildsEveryKeysVersionsFromTheTable() {
        long a1 = store.create(p + "a", b("a1"));
        long b1 = store.create(p + "b", b("b1"));
        long a2 = store.update(p + "a", b("a2"), a1);
        long bGone = store.delete(p + "b", b1);
        long b2 = store.create(p + "b", b("b2"));
        List<List<String>> before = new ArrayList<>();
        for (long r = a1; r <= b2; r++) {
            before.add(entries(store.list(p, r, null, 0)));
        }
        store.close();

        store = SqliteStore.open(dir.resolve("store.db"));
        for (long r = a1; r <= b2; r++) {
            assertThat(entries(store.list(p, r, null, 0))).as("at %d", r).isEqualTo(before.get((int) (r - a1)));
        }
        assertThat(before.get((int) (bGone - a1))).containsExactly(p + "a=a2 " + a1 + "/" + a2);
        assertThat(store.get(p + "b").orElseThrow().createRevision()).isEqualTo(b2);
        assertThatThrownBy(() -> store.update(p + "a", b("x"), a1)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> store.create(p + "b", b("x"))).isInstanceOf(KeyExistsException.class);
        assertThat(store.update(p + "a", b("a3"), a2)).isEqualTo(b2 + 1);
    }

    private static List<String> entries(ListResult r) {
        return r.items().stream()
                .map(kv -> kv.key() + "=" + s(kv.value()) + " " + kv.createRevision() + "/" + kv.modRevision())
                .toList();
    }

    @Test
    void compactionRemovesTheRowsThatNoReaderNeeds() throws Exception {
        long a1 = store.create(p + "a", b("1"));
        long a2 = store.update(p + "a", b("2"), a1);
        long b1 = store.create(p + "b", b("1"));
        store.delete(p + "b", b1);
        long a3 = store.update(p + "a", b("3"), a2);
        store.compact(a3 - 1);
        // a2 is a's newest version at the target and stays, as does a3 above it; b's deletion goes with b
        assertThat(revisionsInTable()).containsExactly(a2, a3);
        store.close();
        store = SqliteStore.open(dir.resolve("store.db"));
        assertThat(entries(store.list(p, a3 - 1, null, 0))).containsExactly(p + "a=2 " + a1 + "/" + a2);
        assertThat(store.get(p + "b")).isEmpty();
    }

    private List<Long> revisionsInTable() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT revision FROM kv ORDER BY revision")) {
            List<Long> revisions = new ArrayList<>();
            while (rs.next()) {
                revisions.add(rs.getLong(1));
            }
            return revisions;
        }
    }

    @Test
    void aDatabaseWithAKeyIndexOfTheTableOpensWithoutIt() throws Exception {
        long a1 = store.create(p + "a", b("1"));
        long a2 = store.update(p + "a", b("2"), a1);
        store.close();
        store = null;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"))) {
            c.createStatement().execute("CREATE INDEX kv_key_revision ON kv(key, revision)");
        }
        store = SqliteStore.open(dir.resolve("store.db"));
        assertThat(s(store.get(p + "a").orElseThrow().value())).isEqualTo("2");
        assertThat(entries(store.list(p, a1, null, 0))).containsExactly(p + "a=1 " + a1 + "/" + a1);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'kv_key_revision'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
        }
        assertThat(store.update(p + "a", b("3"), a2)).isEqualTo(a2 + 1);
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
