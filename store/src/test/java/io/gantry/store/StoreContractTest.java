package io.gantry.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The behaviour every {@link Store} must have, run against each implementation by a subclass.
 *
 * <p>Subclasses may share one backend across tests (etcd), so each test works under its own key prefix
 * and only asserts revisions relative to what it observed itself. Tests run one at a time within a class,
 * which is what makes "exactly one revision per write" observable.
 */
abstract class StoreContractTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    protected Store store;
    /** This test's own key space, e.g. {@code /t/7-listIsInKeyOrder/}. */
    protected String p;

    /** A store for one test; it is closed after the test. */
    protected abstract Store openStore() throws Exception;

    @BeforeEach
    void openStoreAndPrefix(TestInfo info) throws Exception {
        store = openStore();
        p = "/t/" + PREFIXES.incrementAndGet() + "-" + info.getTestMethod().orElseThrow().getName() + "/";
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    protected static String s(byte[] b) {
        return new String(b, UTF_8);
    }

    @Test
    void revisionIncreasesByOnePerWriteAcrossKeys() {
        long start = store.currentRevision();
        assertThat(store.create(p + "a", b("1"))).isEqualTo(start + 1);
        assertThat(store.create(p + "b", b("1"))).isEqualTo(start + 2);
        assertThat(store.update(p + "a", b("2"), start + 1)).isEqualTo(start + 3);
        assertThat(store.delete(p + "b", start + 2)).isEqualTo(start + 4);
        assertThat(store.currentRevision()).isEqualTo(start + 4);

        assertThatThrownBy(() -> store.create(p + "a", b("x"))).isInstanceOf(KeyExistsException.class);
        assertThatThrownBy(() -> store.update(p + "a", b("x"), start + 1)).isInstanceOf(ConflictException.class);
        assertThat(store.currentRevision()).as("failed writes do not use a revision").isEqualTo(start + 4);
    }

    @Test
    void createFailsIfTheKeyExistsAndWorksAgainAfterDelete() {
        long first = store.create(p + "k", b("v1"));
        assertThatThrownBy(() -> store.create(p + "k", b("v2")))
                .isInstanceOfSatisfying(KeyExistsException.class, e -> assertThat(e.key()).isEqualTo(p + "k"));
        assertThat(s(store.get(p + "k").orElseThrow().value())).isEqualTo("v1");

        store.delete(p + "k", first);
        long again = store.create(p + "k", b("v3"));
        KeyValue kv = store.get(p + "k").orElseThrow();
        assertThat(kv.createRevision()).isEqualTo(again);
        assertThat(s(kv.value())).isEqualTo("v3");
    }

    @Test
    void getReturnsValueAndRevisions() {
        assertThat(store.get(p + "missing")).isEmpty();
        long created = store.create(p + "k", b("v1"));
        long updated = store.update(p + "k", b("v2"), created);
        KeyValue kv = store.get(p + "k").orElseThrow();
        assertThat(kv.key()).isEqualTo(p + "k");
        assertThat(s(kv.value())).isEqualTo("v2");
        assertThat(kv.createRevision()).isEqualTo(created);
        assertThat(kv.modRevision()).isEqualTo(updated);
    }

    @Test
    void updateAndDeleteCheckTheExpectedRevision() {
        long created = store.create(p + "k", b("v1"));
        long updated = store.update(p + "k", b("v2"), created);

        assertThatThrownBy(() -> store.update(p + "k", b("stale"), created)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> store.delete(p + "k", created)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> store.update(p + "k", b("blind"), 0))
                .as("0 means 'any' only for delete").isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> store.update(p + "nope", b("x"), created))
                .isInstanceOf(KeyNotFoundException.class);
        assertThatThrownBy(() -> store.update(p + "nope", b("x"), 0)).isInstanceOf(KeyNotFoundException.class);
        assertThatThrownBy(() -> store.delete(p + "nope", created)).isInstanceOf(KeyNotFoundException.class);
        assertThatThrownBy(() -> store.delete(p + "nope", 0)).isInstanceOf(KeyNotFoundException.class);
        assertThat(s(store.get(p + "k").orElseThrow().value())).isEqualTo("v2");

        long deleted = store.delete(p + "k", updated);
        assertThat(deleted).isGreaterThan(updated);
        assertThat(store.get(p + "k")).isEmpty();
        assertThatThrownBy(() -> store.delete(p + "k", 0)).isInstanceOf(KeyNotFoundException.class);
        assertThatThrownBy(() -> store.update(p + "k", b("x"), updated)).isInstanceOf(KeyNotFoundException.class);

        store.create(p + "u", b("1"));
        store.delete(p + "u", 0);
        assertThat(store.get(p + "u")).as("delete with 0 is unconditional").isEmpty();
    }

    @Test
    void listByPrefixIsInKeyOrderAndStaysInsideThePrefix() {
        for (String k : List.of("a/b/2", "a/bc/1", "a/b/1", "a/b/3", "a/b", "a/a/1", "b/1")) {
            store.create(p + k, b(k));
        }
        ListResult r = store.list(p + "a/b/", 0, null, 0);
        assertThat(keys(r)).containsExactly(p + "a/b/1", p + "a/b/2", p + "a/b/3");
        assertThat(r.more()).isFalse();
        assertThat(r.revision()).isEqualTo(store.currentRevision());
        assertThat(s(r.items().getFirst().value())).isEqualTo("a/b/1");

        assertThat(keys(store.list(p + "a/", 0, null, 0)))
                .containsExactly(p + "a/a/1", p + "a/b", p + "a/b/1", p + "a/b/2", p + "a/b/3", p + "a/bc/1");
        assertThat(keys(store.list(p + "a/bc/", 0, null, 0))).containsExactly(p + "a/bc/1");
        assertThat(store.list(p + "a/x/", 0, null, 0).items()).isEmpty();

        ListResult page = store.list(p + "a/b/", 0, null, 2);
        assertThat(keys(page)).containsExactly(p + "a/b/1", p + "a/b/2");
        assertThat(page.more()).isTrue();
        ListResult rest = store.list(p + "a/b/", page.revision(), p + "a/b/2", 2);
        assertThat(keys(rest)).containsExactly(p + "a/b/3");
        assertThat(rest.more()).isFalse();
    }

    @Test
    void keysAreListedInTheOrderOfTheirUtf8Bytes() {
        // U+FFFD is three bytes starting 0xEF, U+1F600 four starting 0xF0: UTF-16 would order them the other way
        List<String> names = List.of("z", "\u00e9", "\ufffd", "\ud83d\ude00", "a");
        for (String name : names) {
            store.create(p + name, b(name));
        }
        assertThat(keys(store.list(p, 0, null, 0)))
                .containsExactly(p + "a", p + "z", p + "\u00e9", p + "\ufffd", p + "\ud83d\ude00");
        assertThat(keys(store.list(p, 0, p + "\ufffd", 0))).containsExactly(p + "\ud83d\ude00");
    }

    @Test
    void listAtAnOlderRevisionSeesThatRevision() {
        long r1 = store.create(p + "a", b("1"));
        store.create(p + "b", b("1"));
        store.update(p + "a", b("2"), r1);
        store.delete(p + "b", 0);
        ListResult old = store.list(p, r1, null, 0);
        assertThat(keys(old)).containsExactly(p + "a");
        assertThat(s(old.items().getFirst().value())).isEqualTo("1");
        assertThat(old.revision()).isEqualTo(r1);
    }

    @Test
    void futureRevisionsAreRejected() {
        store.create(p + "a", b("1"));
        long future = store.currentRevision() + 100;
        assertThatThrownBy(() -> store.list(p, future, null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.compact(future)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void paginatedListAtOneRevisionStaysConsistentWhileWritesContinue() {
        List<Long> revisions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            revisions.add(store.create(p + "k" + i, b("v" + i)));
        }
        List<String> seen = new ArrayList<>();
        ListResult page = store.list(p, 0, null, 4);
        long at = page.revision();
        int writes = 0;
        while (true) {
            page.items().forEach(kv -> seen.add(s(kv.value())));
            // Writers keep changing the listed range between pages.
            store.update(p + "k" + writes, b("changed"), revisions.get(writes));
            store.delete(p + "k" + (9 - writes), 0);
            store.create(p + "k" + writes + "x", b("new"));
            writes++;
            if (!page.more()) {
                break;
            }
            page = store.list(p, at, page.items().getLast().key(), 4);
            assertThat(page.revision()).isEqualTo(at);
        }
        assertThat(seen).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
        assertThat(store.list(p, 0, null, 0).items()).extracting(kv -> s(kv.value())).contains("changed", "new");
    }

    @Test
    void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
        String key = p + "counter";
        store.create(key, b("0"));
        int threads = 16;
        int perThread = 20;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            KeyValue kv = store.get(key).orElseThrow();
                            int next = Integer.parseInt(s(kv.value())) + 1;
                            try {
                                store.update(key, b(Integer.toString(next)), kv.modRevision());
                                break;
                            } catch (ConflictException retry) {
                                // somebody else won; read again
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(s(store.get(key).orElseThrow().value())).isEqualTo(Integer.toString(threads * perThread));
    }

    @Test
    void watchDeliversEveryEventOnceInRevisionOrder() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        List<WatchEvent> others = new CopyOnWriteArrayList<>();
        long start = store.currentRevision();
        try (Watch w = store.watch(p + "in/", start, events::add);
             Watch o = store.watch(p + "other/", start, others::add)) {
            int threads = 8;
            int perThread = 25;
            ConcurrentLinkedQueue<Long> written = new ConcurrentLinkedQueue<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            String key = p + "in/" + thread + "-" + i;
                            long rev = store.create(key, b("v"));
                            written.add(rev);
                            written.add(store.update(key, b("w"), rev));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            store.create(p + "other/x", b("x"));
            int expected = threads * perThread * 2;
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= expected);
            await().atMost(Duration.ofSeconds(10)).until(() -> others.size() >= 1);
            Thread.sleep(100); // give duplicates a chance to show up
            List<Long> revisions = events.stream().map(WatchEvent::revision).toList();
            List<Long> sorted = new ArrayList<>(written);
            Collections.sort(sorted);
            assertThat(revisions).isEqualTo(sorted);
            assertThat(events).allMatch(e -> e.key().startsWith(p + "in/"));
            assertThat(events.stream().filter(e -> e.type() == WatchEvent.Type.CREATE)).hasSize(expected / 2);
            assertThat(others).singleElement().satisfies(e -> assertThat(e.key()).isEqualTo(p + "other/x"));
        }
    }

    @Test
    void watchStartedFromHistoryWhileWritesContinueHasNoGapOrDuplicate() throws Exception {
        long start = store.currentRevision();
        int threads = 4;
        int perThread = 50;
        ConcurrentLinkedQueue<Long> written = new ConcurrentLinkedQueue<>();
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        Watch watch = null;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        written.add(store.create(p + thread + "-" + i, b("v")));
                    }
                    return null;
                }));
            }
            // Subscribe mid-stream from the beginning: history replay must hand over to live events.
            await().atMost(Duration.ofSeconds(10)).until(() -> written.size() >= threads * perThread / 3);
            watch = store.watch(p, start, events::add);
            for (Future<?> f : done) {
                f.get();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= threads * perThread);
            Thread.sleep(100);
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
        List<Long> sorted = new ArrayList<>(written);
        Collections.sort(sorted);
        assertThat(events).extracting(WatchEvent::revision).isEqualTo(sorted);
    }

    @Test
    void watchResumesStrictlyAfterTheGivenRevisionAndDeleteCarriesTheLastValue() throws Exception {
        long r1 = store.create(p + "k", b("v1"));
        long r2 = store.update(p + "k", b("v2"), r1);
        long r3 = store.delete(p + "k", r2);
        long r4 = store.create(p + "j", b("j1"));
        store.create("/elsewhere" + p, b("not mine"));
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch w = store.watch(p, r1, events::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 3);
            long r5 = store.update(p + "j", b("j2"), r4);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 4);
            Thread.sleep(50);
            assertThat(events).extracting(WatchEvent::type, WatchEvent::key, e -> s(e.value()), WatchEvent::revision)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.UPDATE, p + "k", "v2", r2),
                            org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.DELETE, p + "k", "v2", r3),
                            org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.CREATE, p + "j", "j1", r4),
                            org.assertj.core.groups.Tuple.tuple(WatchEvent.Type.UPDATE, p + "j", "j2", r5));
        }
    }

    @Test
    void aStuckListenerDoesNotBlockWritersOrOtherWatches() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<WatchEvent> slow = new CopyOnWriteArrayList<>();
        List<WatchEvent> fast = new CopyOnWriteArrayList<>();
        long start = store.currentRevision();
        try (Watch s = store.watch(p, start, e -> {
                 awaitQuietly(release);
                 slow.add(e);
             });
             Watch f = store.watch(p, start, fast::add)) {
            for (int i = 0; i < 20; i++) {
                store.create(p + i, b("v"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> fast.size() == 20);
            assertThat(slow).isEmpty();
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.size() == 20);
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void closedWatchStopsDelivering() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        Watch w = store.watch(p, store.currentRevision(), events::add);
        long r = store.create(p + "a", b("1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        w.close();
        store.update(p + "a", b("2"), r);
        Thread.sleep(200);
        assertThat(events).hasSize(1);
    }

    @Test
    void compactionMakesOlderRevisionsTooOldAndKeepsNewerOnesReadable() throws Exception {
        long old = store.create(p + "a", b("1"));
        long r = store.update(p + "a", b("2"), old);
        store.create(p + "b", b("1"));
        store.delete(p + "b", 0);
        long compactAt = store.create(p + "c", b("1"));
        long after = store.update(p + "c", b("2"), compactAt);

        store.compact(compactAt);
        assertThat(store.compactedRevision()).isGreaterThanOrEqualTo(compactAt);

        assertThatThrownBy(() -> store.list(p, old, null, 0)).isInstanceOf(CompactedException.class);
        assertThatThrownBy(() -> store.watch(p, old, e -> { })).isInstanceOf(CompactedException.class);

        ListResult atCompaction = store.list(p, compactAt, null, 0);
        assertThat(atCompaction.items()).extracting(kv -> kv.key() + "=" + s(kv.value()))
                .containsExactly(p + "a=2", p + "c=1");
        assertThat(atCompaction.items().getFirst().modRevision()).isEqualTo(r);
        assertThat(store.list(p, 0, null, 0).items()).extracting(kv -> kv.key() + "=" + s(kv.value()))
                .containsExactly(p + "a=2", p + "c=2");

        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch w = store.watch(p, compactAt, events::add)) {
            long later = store.delete(p + "a", 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
            Thread.sleep(50);
            assertThat(events).extracting(WatchEvent::revision).containsExactly(after, later);
        }
    }

    protected static List<String> keys(ListResult r) {
        return r.items().stream().map(KeyValue::key).toList();
    }
}
