package io.gantry.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives a real {@link SqliteStore} with long random operation sequences and checks every answer against a
 * simple reference model of the {@link Store} contract: all versions with their revisions, create revisions and
 * deletion flags, a compacted revision, and keys ordered by their UTF-8 bytes.
 */
class SqliteStoreModelTest {
    @TempDir
    Path dir;

    private SqliteStore store;
    private final List<OpenWatch> watches = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (OpenWatch w : watches) {
            w.handle.close();
        }
        watches.clear();
        if (store != null) {
            store.close();
            store = null;
        }
    }

    // ------------------------------------------------------------------------------------------ the model

    /** One version of a key; for a deletion {@code value} is the value it deleted. */
    record Ver(long rev, String key, byte[] value, long createRev, boolean deleted) {
    }

    static final Comparator<String> UTF8 = (a, b) -> Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8));

    static boolean hasPrefix(String key, String prefix) {
        byte[] k = key.getBytes(UTF_8);
        byte[] p = prefix.getBytes(UTF_8);
        return k.length >= p.length && Arrays.equals(k, 0, p.length, p, 0, p.length);
    }

    /** Every write ever made (revision r is log[r - 1]) and the compacted revision. */
    static final class Model {
        final List<Ver> log = new ArrayList<>();
        final Map<String, List<Ver>> byKey = new HashMap<>();
        long compacted;

        long rev() {
            return log.size();
        }

        Ver newest(String key) {
            List<Ver> v = byKey.get(key);
            return v == null ? null : v.getLast();
        }

        Ver live(String key) {
            Ver n = newest(key);
            return n == null || n.deleted() ? null : n;
        }

        Ver at(String key, long revision) {
            List<Ver> v = byKey.get(key);
            if (v == null) {
                return null;
            }
            for (int i = v.size() - 1; i >= 0; i--) {
                if (v.get(i).rev() <= revision) {
                    return v.get(i);
                }
            }
            return null;
        }

        long add(String key, byte[] value, long createRev, boolean deleted) {
            Ver v = new Ver(rev() + 1, key, value, createRev == 0 ? rev() + 1 : createRev, deleted);
            log.add(v);
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
            return v.rev();
        }

        /** Every live key under the prefix after startAfter at the revision, in UTF-8 order, rendered. */
        List<String> list(String prefix, long revision, String startAfter) {
            List<String> keys = new ArrayList<>();
            for (String key : byKey.keySet()) {
                if (hasPrefix(key, prefix) && (startAfter == null || startAfter.isEmpty()
                        || UTF8.compare(key, startAfter) > 0)) {
                    Ver v = at(key, revision);
                    if (v != null && !v.deleted()) {
                        keys.add(key);
                    }
                }
            }
            keys.sort(UTF8);
            List<String> out = new ArrayList<>(keys.size());
            for (String key : keys) {
                Ver v = at(key, revision);
                out.add(render(key, v.value(), v.createRev(), v.rev()));
            }
            return out;
        }

        List<String> events(String prefix, long after, long until) {
            List<String> out = new ArrayList<>();
            for (long r = Math.max(after, 0) + 1; r <= until; r++) {
                Ver v = log.get((int) (r - 1));
                if (hasPrefix(v.key(), prefix)) {
                    WatchEvent.Type type = v.deleted() ? WatchEvent.Type.DELETE
                            : v.createRev() == v.rev() ? WatchEvent.Type.CREATE : WatchEvent.Type.UPDATE;
                    out.add(render(new WatchEvent(type, v.key(), v.value(), v.rev())));
                }
            }
            return out;
        }

        /** The rows a store compacted at {@link #compacted} keeps: see {@link Store#compact}. */
        List<Long> keptRows() {
            List<Long> kept = new ArrayList<>();
            for (List<Ver> versions : byKey.values()) {
                Ver newestAtTarget = null;
                for (Ver v : versions) {
                    if (v.rev() <= compacted) {
                        newestAtTarget = v;
                    } else {
                        kept.add(v.rev());
                    }
                }
                if (newestAtTarget != null && !newestAtTarget.deleted()) {
                    kept.add(newestAtTarget.rev());
                }
            }
            Collections.sort(kept);
            return kept;
        }
    }

    static String render(String key, byte[] value, long createRev, long modRev) {
        return esc(key) + " = " + (value == null ? "<null>" : "'" + esc(new String(value, UTF_8)) + "'")
                + " c" + createRev + " m" + modRev;
    }

    static String render(KeyValue kv) {
        return render(kv.key(), kv.value(), kv.createRevision(), kv.modRevision());
    }

    static String render(WatchEvent e) {
        return e.type() + " " + esc(e.key()) + " = "
                + (e.value() == null ? "<null>" : "'" + esc(new String(e.value(), UTF_8)) + "'") + " @" + e.revision();
    }

    /** Non-ASCII shown as code points, so a failure message says which character it was. */
    static String esc(String s) {
        if (s == null) {
            return "<null>";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format("\\u{%X}", cp));
            }
        });
        return b.toString();
    }

    static List<String> render(List<KeyValue> items) {
        return items.stream().map(SqliteStoreModelTest::render).toList();
    }

    // ------------------------------------------------------------------------------------------ keys

    private static final String BASE = "/registry/pods/a-namespace-with-a-rather-long-name/";
    private static final String LONG = BASE + "web-5d8f7c9b6d-replicaset-with-a-long-shared-prefix-";
    /** Characters whose UTF-16 order differs from their UTF-8 order, and a few ordinary ones. */
    private static final String[] CHARS = {
        "a", "b", "/", "-", "\u0000", "\u007f", "\u00e9", "\u00ff", "\u07ff", "\u0800", "\u4e2d", "\ud7ff",
        "\ue000", "\uf8ff", "\ufffd", "\uffff", "\ud800\udc00", "\ud83d\ude00", "\udbff\udfff",
    };
    private static final String[] FIXED_KEYS = {
        LONG + "a", LONG + "b", LONG + "ab", LONG + "a/", LONG + "a0", LONG, LONG + "\u00e9", LONG + "\u00ff",
        LONG + "\u0800x", LONG + "\ue000", LONG + "\ufffd", LONG + "\uffff", LONG + "\ud83d\ude00",
        LONG + "\ud800\udc00", LONG + "\udbff\udfff", LONG + "\u4e2d\u6587", LONG + "z".repeat(40) + "1",
        LONG + "z".repeat(40) + "2", LONG + "z".repeat(40), BASE + "x", BASE + "\ue000\ud800\udc00",
        BASE + "\ud800\udc00\ue000", "/r/\ud83d\ude00/a", "/r/\uffff/a", "/r/\ue000", "/r/\ud7ff", "/r/a",
        "/r/a\u0000", "/r/", "/", "\ud83d\ude00", "\uffff",
    };
    private static final String[] FIXED_PREFIXES = {
        "", "/", "/r/", BASE, LONG, LONG + "a", LONG + "z", LONG + "\ue000", LONG + "\ud83d", "/zzz",
        LONG + "\ud83d\ude00", "/r/\uffff", "/r/\ud83d\ude00",
    };

    static List<String> keyPool(Random rnd) {
        List<String> keys = new ArrayList<>(Arrays.asList(FIXED_KEYS));
        String[] stems = {"/r/", BASE, LONG, "/r/\ue000/", LONG + "\ud83d\ude00"};
        for (int i = 0; i < 24; i++) {
            StringBuilder k = new StringBuilder(stems[rnd.nextInt(stems.length)]);
            int n = 1 + rnd.nextInt(3);
            for (int j = 0; j < n; j++) {
                k.append(CHARS[rnd.nextInt(CHARS.length)]);
            }
            if (!keys.contains(k.toString())) {
                keys.add(k.toString());
            }
        }
        return keys;
    }

    /** The first {@code n} code points of {@code s} (never half of a surrogate pair). */
    static String codePoints(String s, int n) {
        int count = s.codePointCount(0, s.length());
        return s.substring(0, s.offsetByCodePoints(0, Math.max(0, Math.min(n, count))));
    }

    static String randomPrefix(Random rnd, List<String> keys) {
        if (rnd.nextInt(3) == 0) {
            // dropping a surrogate-pair prefix ("\ud83d" alone) makes no valid string; use whole code points
            String p = FIXED_PREFIXES[rnd.nextInt(FIXED_PREFIXES.length)];
            return p.endsWith("\ud83d") ? p + "\ude00" : p;
        }
        String k = keys.get(rnd.nextInt(keys.size()));
        int count = k.codePointCount(0, k.length());
        return codePoints(k, count - rnd.nextInt(Math.min(count, 6) + 1));
    }

    static String randomStartAfter(Random rnd, List<String> keys) {
        String k = keys.get(rnd.nextInt(keys.size()));
        return switch (rnd.nextInt(10)) {
            case 0, 1, 2 -> null;
            case 3 -> "";
            case 4, 5, 6 -> k;
            case 7 -> codePoints(k, k.codePointCount(0, k.length()) - 1 - rnd.nextInt(3));
            case 8 -> k + CHARS[rnd.nextInt(CHARS.length)];
            default -> FIXED_PREFIXES[rnd.nextInt(FIXED_PREFIXES.length)].replace("\ud83d", "\ud83d\ude00");
        };
    }

    static byte[] randomValue(Random rnd, long serial) {
        if (rnd.nextInt(25) == 0) {
            return new byte[0];
        }
        StringBuilder v = new StringBuilder("v").append(serial);
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            v.append(CHARS[rnd.nextInt(CHARS.length)]);
        }
        return v.toString().getBytes(UTF_8);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A write's answer: its revision, or the class of the exception it threw. */
    static Object outcome(Supplier<Long> op) {
        try {
            return op.get();
        } catch (StoreException | IllegalArgumentException e) {
            if (e instanceof StoreUnavailableException) {
                throw e;
            }
            return e.getClass().getSimpleName();
        }
    }

    static Object listOutcome(Supplier<ListResult> op) {
        try {
            ListResult r = op.get();
            return "@" + r.revision() + " more=" + r.more() + " " + render(r.items());
        } catch (StoreException | IllegalArgumentException e) {
            if (e instanceof StoreUnavailableException) {
                throw e;
            }
            return e.getClass().getSimpleName();
        }
    }

    static List<Long> revisionsInTable(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = c.createStatement().executeQuery("SELECT revision FROM kv ORDER BY revision")) {
            List<Long> revisions = new ArrayList<>();
            while (rs.next()) {
                revisions.add(rs.getLong(1));
            }
            return revisions;
        }
    }

    /** A watch under test and everything it delivered. */
    static final class OpenWatch {
        final String prefix;
        final long after;
        final List<String> got = Collections.synchronizedList(new ArrayList<>());
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        Watch handle;

        OpenWatch(String prefix, long after) {
            this.prefix = prefix;
            this.after = after;
        }

        void open(Store store) {
            handle = store.watch(prefix, after, e -> got.add(render(e)), failures::add);
        }

        List<String> awaitEvents(int expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (got.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            synchronized (got) {
                return new ArrayList<>(got);
            }
        }
    }

    private void verifyWatches(Model m, String context) throws InterruptedException {
        for (OpenWatch w : watches) {
            List<String> expected = m.events(w.prefix, w.after, m.rev());
            List<String> got = w.awaitEvents(expected.size());
            assertThat(got).as("%s: watch '%s' after %d", context, esc(w.prefix), w.after)
                    .containsExactlyElementsOf(expected);
            assertThat(w.failures).as("%s: watch failures", context).isEmpty();
        }
    }

    private void closeWatches() {
        for (OpenWatch w : watches) {
            w.handle.close();
        }
        watches.clear();
    }

    // ------------------------------------------------------------------------------------------ the random run

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2026, 99991})
    void randomOperationsMatchTheModel(long seed) throws Exception {
        run(seed, 2000);
    }

    private void run(long seed, int steps) throws Exception {
        Random rnd = new Random(seed);
        Path file = dir.resolve("model-" + seed + ".db");
        List<String> keys = keyPool(rnd);
        Model m = new Model();
        Deque<String> trace = new ArrayDeque<>();
        store = SqliteStore.open(file);
        long serial = 0;
        for (int step = 0; step < steps; step++) {
            int dice = rnd.nextInt(100);
            String key = keys.get(rnd.nextInt(keys.size()));
            String op;
            String ctx = "seed " + seed + " step " + step;
            if (dice < 18) {
                byte[] value = randomValue(rnd, ++serial);
                Object expected = m.live(key) != null ? "KeyExistsException" : m.rev() + 1;
                op = "create(" + esc(key) + ")";
                Object got = outcome(() -> store.create(key, value));
                assertThat(got).as(ctx + " " + op + trail(trace)).isEqualTo(expected);
                if (got instanceof Long) {
                    m.add(key, value, 0, false);
                }
            } else if (dice < 32 || dice >= 96) {
                byte[] value = randomValue(rnd, ++serial);
                Ver live = m.live(key);
                Ver newest = m.newest(key);
                long exp;
                if (live != null && (rnd.nextInt(10) < 7 || dice >= 96)) {
                    exp = live.rev();
                } else if (newest != null && rnd.nextBoolean()) {
                    exp = newest.rev() + rnd.nextInt(3) - 1;
                } else {
                    exp = rnd.nextInt((int) m.rev() + 3);
                }
                Object expected = live == null ? "KeyNotFoundException"
                        : live.rev() != exp ? "ConflictException" : m.rev() + 1;
                op = "update(" + esc(key) + ", " + exp + ")";
                long e = exp;
                Object got = outcome(() -> store.update(key, value, e));
                assertThat(got).as(ctx + " " + op + trail(trace)).isEqualTo(expected);
                if (got instanceof Long) {
                    m.add(key, value, live.createRev(), false);
                }
            } else if (dice < 42) {
                Ver live = m.live(key);
                Ver newest = m.newest(key);
                long exp = switch (rnd.nextInt(10)) {
                    case 0, 1, 2, 3 -> live != null ? live.rev() : 0;
                    case 4, 5, 6 -> 0;
                    default -> newest != null ? newest.rev() + rnd.nextInt(3) - 1 : rnd.nextInt((int) m.rev() + 3);
                };
                Object expected = live == null ? "KeyNotFoundException"
                        : exp != 0 && live.rev() != exp ? "ConflictException" : m.rev() + 1;
                op = "delete(" + esc(key) + ", " + exp + ")";
                Object got = outcome(() -> store.delete(key, exp));
                assertThat(got).as(ctx + " " + op + trail(trace)).isEqualTo(expected);
                if (got instanceof Long) {
                    m.add(key, live.value(), live.createRev(), true);
                }
            } else if (dice < 50) {
                op = "get(" + esc(key) + ")";
                Ver live = m.live(key);
                Optional<KeyValue> got = store.get(key);
                assertThat(got.map(SqliteStoreModelTest::render))
                        .as(ctx + " " + op + trail(trace))
                        .isEqualTo(Optional.ofNullable(live).map(v -> render(key, v.value(), v.createRev(), v.rev())));
            } else if (dice < 80) {
                String prefix = randomPrefix(rnd, keys);
                String startAfter = randomStartAfter(rnd, keys);
                int limit = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(5);
                long revision;
                if (dice < 62) {
                    revision = rnd.nextBoolean() ? 0 : m.rev();
                } else {
                    int kind = rnd.nextInt(20);
                    if (kind == 0) {
                        revision = m.rev() + 1 + rnd.nextInt(3);
                    } else if (kind < 4 && m.compacted > 0) {
                        revision = Math.max(1, m.compacted - 1 - rnd.nextInt(5));
                    } else {
                        revision = m.compacted + (long) (rnd.nextDouble() * (m.rev() - m.compacted + 1));
                        revision = Math.max(1, Math.min(revision, m.rev()));
                    }
                }
                op = "list('" + esc(prefix) + "', " + revision + ", " + (startAfter == null ? null
                        : "'" + esc(startAfter) + "'") + ", " + limit + ")";
                long at = revision == 0 ? m.rev() : revision;
                Object expected;
                if (revision > m.rev()) {
                    expected = "IllegalArgumentException";
                } else if (at < m.compacted) {
                    expected = "CompactedException";
                } else {
                    List<String> all = m.list(prefix, at, startAfter);
                    boolean more = limit > 0 && all.size() > limit;
                    expected = "@" + at + " more=" + more + " " + (more ? all.subList(0, limit) : all);
                }
                long r = revision;
                Object got = listOutcome(() -> store.list(prefix, r, startAfter, limit));
                assertThat(got).as(ctx + " " + op + trail(trace)).isEqualTo(expected);
            } else if (dice < 85) {
                // a whole paged walk at one revision
                String prefix = randomPrefix(rnd, keys);
                int limit = 1 + rnd.nextInt(4);
                long at = m.compacted + (long) (rnd.nextDouble() * (m.rev() - m.compacted + 1));
                at = m.rev() == 0 ? 0 : Math.max(1, Math.min(at, m.rev()));
                op = "pages('" + esc(prefix) + "', " + at + ", " + limit + ")";
                List<String> expected = m.list(prefix, at, null);
                List<String> got = new ArrayList<>();
                String after = null;
                for (int page = 0; page < 200; page++) {
                    ListResult r = store.list(prefix, at, after, limit);
                    assertThat(r.revision()).as(ctx + " " + op).isEqualTo(at == 0 ? m.rev() : at);
                    assertThat(r.items().size()).as(ctx + " " + op).isLessThanOrEqualTo(limit);
                    got.addAll(render(r.items()));
                    boolean moreExpected = got.size() < expected.size();
                    assertThat(r.more()).as(ctx + " " + op + " page " + page + trail(trace)).isEqualTo(moreExpected);
                    if (!r.more() || r.items().isEmpty()) {
                        break;
                    }
                    after = r.items().getLast().key();
                }
                assertThat(got).as(ctx + " " + op + trail(trace)).containsExactlyElementsOf(expected);
            } else if (dice < 86) {
                long target;
                int kind = rnd.nextInt(10);
                if (kind == 0) {
                    target = m.rev() + 1;
                } else if (kind == 1) {
                    target = Math.max(0, m.compacted - rnd.nextInt(3));
                } else {
                    // mostly well below the current revision, so that there is history left to read and watch
                    target = m.compacted + (long) (rnd.nextDouble() * rnd.nextDouble() * (m.rev() - m.compacted + 1));
                    target = Math.min(target, m.rev());
                }
                op = "compact(" + target + ")";
                Object expected = target > m.rev() ? "IllegalArgumentException" : 0L;
                long t = target;
                Object got = outcome(() -> {
                    store.compact(t);
                    return 0L;
                });
                assertThat(got).as(ctx + " " + op + trail(trace)).isEqualTo(expected);
                if (got instanceof Long) {
                    m.compacted = Math.max(m.compacted, target);
                }
            } else if (dice < 89) {
                String prefix = randomPrefix(rnd, keys);
                long after = rnd.nextInt(8) == 0 ? m.rev() + rnd.nextInt(3)
                        : Math.max(0, m.compacted - (rnd.nextInt(6) == 0 ? 1 : 0)
                                + (long) (rnd.nextDouble() * (m.rev() - m.compacted + 1)));
                after = Math.min(after, m.rev() + 2);
                op = "watch('" + esc(prefix) + "', " + after + ")";
                OpenWatch w = new OpenWatch(prefix, after);
                Object got = outcome(() -> {
                    w.open(store);
                    return 0L;
                });
                assertThat(got).as(ctx + " " + op + trail(trace))
                        .isEqualTo(after < m.compacted ? "CompactedException" : 0L);
                if (w.handle != null) {
                    watches.add(w);
                    if (watches.size() > 4) {
                        verifyWatches(m, ctx + " " + op);
                        watches.removeFirst().handle.close();
                    }
                }
            } else if (dice < 90) {
                op = "reopen";
                if (rnd.nextInt(3) == 0) {
                    // a trailing deletion compacted away: its revision must survive the reopen
                    Ver live = m.byKey.keySet().stream().sorted().map(m::live).filter(v -> v != null)
                            .findFirst().orElse(null);
                    if (live != null) {
                        assertThat(store.delete(live.key(), live.rev())).as(ctx).isEqualTo(m.rev() + 1);
                        m.add(live.key(), live.value(), live.createRev(), true);
                    }
                    store.compact(m.rev());
                    m.compacted = m.rev();
                    op = "delete, compact(" + m.rev() + ") and reopen";
                }
                verifyWatches(m, ctx + " before reopen");
                closeWatches();
                store.close();
                store = null;
                assertThat(revisionsInTable(file)).as(ctx + " rows kept after compaction at " + m.compacted
                        + trail(trace)).containsExactlyElementsOf(m.keptRows());
                store = SqliteStore.open(file);
            } else {
                op = "verify watches";
                verifyWatches(m, ctx);
            }
            assertThat(store.currentRevision()).as(ctx + " current revision after " + op).isEqualTo(m.rev());
            assertThat(store.compactedRevision()).as(ctx + " compacted revision after " + op).isEqualTo(m.compacted);
            trace.addLast(step + ": " + op);
            if (trace.size() > 12) {
                trace.removeFirst();
            }
        }
        verifyWatches(m, "seed " + seed + " at the end");
        closeWatches();
        // everything at the end, then after a reopen
        List<String> everything = m.list("", m.rev(), null);
        assertThat(render(store.list("", 0, null, 0).items())).containsExactlyElementsOf(everything);
        store.close();
        store = null;
        assertThat(revisionsInTable(file)).as("seed %d rows at the end", seed)
                .containsExactlyElementsOf(m.keptRows());
        store = SqliteStore.open(file);
        assertThat(render(store.list("", 0, null, 0).items())).containsExactlyElementsOf(everything);
        for (long r = m.compacted; r <= m.rev(); r += 1 + r / 7) {
            assertThat(render(store.list("", r, null, 0).items())).as("seed %d at %d after reopen", seed, r)
                    .containsExactlyElementsOf(m.list("", r, null));
        }
        System.out.printf("seed %d: %d steps, %d revisions, compacted at %d, %d keys%n", seed, steps, m.rev(),
                m.compacted, m.byKey.size());
    }

    private static String trail(Deque<String> trace) {
        return "\n  after: " + String.join("\n         ", trace);
    }

    // ------------------------------------------------------------------------------------------ one batch

    /**
     * A compaction that the writer applies in the same batch as the writes it would cover (its target did not
     * exist when it was asked for, but would once the batch commits) is refused as a compaction at a future
     * revision: the batch's rows are not in the key index yet, and a compaction that covered them left them in
     * the table for good. Holding SQLite's write lock from outside makes the writer wait on its first batch, so
     * the update, the delete and the compaction queued meanwhile share the next batch, in that order.
     */
    @Test
    void aCompactionCoversOnlyRevisionsCurrentBeforeItsBatch() throws Exception {
        Path file = dir.resolve("batch.db");
        store = SqliteStore.open(file);
        SqliteStore s = store;
        long k1 = s.create("/k", "k1".getBytes(UTF_8));   // 1
        long d1 = s.create("/d", "d1".getBytes(UTF_8));   // 2
        List<Thread> threads = new ArrayList<>();
        List<Throwable> compactionFailures = new CopyOnWriteArrayList<>();
        try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            lock.createStatement().execute("BEGIN IMMEDIATE");
            threads.add(Thread.ofVirtual().start(() -> s.create("/other", "o".getBytes(UTF_8))));  // 3: waits
            Thread.sleep(50);
            threads.add(queued(Thread.ofVirtual().start(() -> s.update("/k", "k2".getBytes(UTF_8), k1))));  // 4
            threads.add(queued(Thread.ofVirtual().start(() -> s.delete("/d", d1))));  // 5
            threads.add(queued(Thread.ofVirtual().start(() -> {
                try {
                    s.compact(5);
                } catch (RuntimeException e) {
                    compactionFailures.add(e);
                }
            })));
            lock.createStatement().execute("ROLLBACK");
        } finally {
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
        assertThat(s.currentRevision()).isEqualTo(5);
        assertThat(compactionFailures).singleElement().isInstanceOf(IllegalArgumentException.class);
        assertThat(s.compactedRevision()).isZero();
        assertThat(revisionsInTable(file)).containsExactly(1L, 2L, 3L, 4L, 5L);
        // asked for again, now that 5 is current, it removes what the contract says: /k keeps 4, /other keeps 3,
        // and /d, deleted at 5, goes entirely; a later compaction removes what the first one kept of /k
        s.compact(5);
        assertThat(revisionsInTable(file)).containsExactly(3L, 4L);
        long k3 = s.update("/k", "k3".getBytes(UTF_8), 4);
        s.compact(k3);
        assertThat(revisionsInTable(file)).containsExactly(3L, k3);
    }

    @Test
    void keysWithTheSameUtf8BytesAreOneKey() {
        store = SqliteStore.open(dir.resolve("surrogates.db"));
        // a surrogate without its pair has no UTF-8 bytes of its own: it is written as '?'
        long created = store.create("/a\ud800", "1".getBytes(UTF_8));
        assertThat(store.get("/a?")).hasValueSatisfying(kv -> assertThat(kv.modRevision()).isEqualTo(created));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.create("/a?", "2".getBytes(UTF_8)))
                .isInstanceOf(KeyExistsException.class);
        assertThat(store.list("/a", 0, null, 0).items()).extracting(KeyValue::key).containsExactly("/a?");
        store.delete("/a?", created);
        assertThat(store.get("/a\ud800")).isEmpty();
    }

    private static Thread queued(Thread t) throws InterruptedException {
        for (int i = 0; i < 2000 && t.getState() != Thread.State.WAITING; i++) {
            Thread.sleep(1);
        }
        return t;
    }

    // ------------------------------------------------------------------------------------------ concurrency

    record Done(long rev, String key, byte[] value, WatchEvent.Type type) {
    }

    /** A page read at {@code at}: what the store answered. */
    record ListRead(String prefix, long at, String startAfter, int limit, List<String> items, boolean more) {
    }

    record GetRead(String key, long before, long after, String got) {
    }

    @Test
    void concurrentWritersReadersAndCompactionsAgreeWithTheHistory() throws Exception {
        Path file = dir.resolve("concurrent.db");
        store = SqliteStore.open(file);
        int writers = 4;
        int readers = 4;
        int opsPerWriter = 250;
        String[] shared = {"/c/shared/a", "/c/shared/\ue000", "/c/shared/\ud83d\ude00", "/c/shared/ab",
            "/c/shared/\uffff", "/c/shared/\u00e9"};
        String[] suffixes = {"a", "b", "ab", "\u00e9", "\ue000", "\uffff", "\ud800\udc00", "\ud83d\ude00",
            "z".repeat(30) + "1", "z".repeat(30) + "2"};
        String[] prefixes = {"", "/c/", "/c/shared/", "/c/w0/", "/c/w1/" + "x".repeat(20), "/c/w2/",
            "/c/w3/" + "x".repeat(20) + "z", "/c/shared/\ue000", "/c/shared/\ud83d\ude00"};
        ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<ListRead> lists = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<GetRead> gets = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> compactions = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<OpenWatch> concurrentWatches = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers + 1);
        try {
            List<Future<?>> writerFutures = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int thread = t;
                writerFutures.add(pool.submit(() -> {
                    Random rnd = new Random(1000 + thread);
                    String own = "/c/w" + thread + "/" + "x".repeat(20);
                    Map<String, KeyValue> mine = new HashMap<>();
                    for (int i = 0; i < opsPerWriter; i++) {
                        boolean isShared = rnd.nextInt(10) < 4;
                        String key = isShared ? shared[rnd.nextInt(shared.length)]
                                : own + suffixes[rnd.nextInt(suffixes.length)];
                        byte[] value = ("w" + thread + "-" + i + CHARS[rnd.nextInt(CHARS.length)]).getBytes(UTF_8);
                        Optional<KeyValue> now = store.get(key);
                        if (!isShared) {
                            String expected = Optional.ofNullable(mine.get(key)).map(SqliteStoreModelTest::render)
                                    .orElse(null);
                            String got = now.map(SqliteStoreModelTest::render).orElse(null);
                            if (!java.util.Objects.equals(expected, got)) {
                                violations.add("writer " + thread + " get(" + esc(key) + ") = " + got
                                        + ", its own last write " + expected);
                            }
                        }
                        try {
                            if (now.isEmpty()) {
                                long r = store.create(key, value);
                                done.add(new Done(r, key, value, WatchEvent.Type.CREATE));
                                mine.put(key, new KeyValue(key, value, r, r));
                            } else {
                                KeyValue kv = now.get();
                                int choice = rnd.nextInt(10);
                                if (choice < 6) {
                                    long r = store.update(key, value, kv.modRevision());
                                    done.add(new Done(r, key, value, WatchEvent.Type.UPDATE));
                                    mine.put(key, new KeyValue(key, value, kv.createRevision(), r));
                                } else if (choice < 7) {
                                    try {
                                        store.update(key, value, kv.modRevision() - 1);
                                        violations.add("update of " + esc(key) + " with a stale revision succeeded");
                                    } catch (ConflictException | KeyNotFoundException expected) {
                                        // KeyNotFound only if another writer deleted a shared key
                                        if (!isShared && expected instanceof KeyNotFoundException) {
                                            violations.add("stale update of own key " + esc(key) + ": " + expected);
                                        }
                                    }
                                } else {
                                    long r = store.delete(key, rnd.nextBoolean() ? kv.modRevision() : 0);
                                    done.add(new Done(r, key, null, WatchEvent.Type.DELETE));
                                    mine.remove(key);
                                }
                            }
                        } catch (ConflictException | KeyNotFoundException | KeyExistsException e) {
                            if (!isShared) {
                                violations.add("writer " + thread + " on its own key " + esc(key) + ": " + e);
                            }
                            // a shared key changed under us: its state in `mine` is not tracked anyway
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> others = new ArrayList<>();
            for (int t = 0; t < readers; t++) {
                int thread = t;
                others.add(pool.submit(() -> {
                    Random rnd = new Random(2000 + thread);
                    for (int i = 0; i < 1_000_000 && writing.get(); i++) {
                        long compacted = store.compactedRevision();
                        long at = store.currentRevision();
                        if (compacted > at) {
                            violations.add("compacted revision " + compacted + " ahead of current " + at);
                        }
                        String prefix = prefixes[rnd.nextInt(prefixes.length)];
                        int kind = rnd.nextInt(10);
                        try {
                            if (kind < 3) {
                                ListResult r = store.list(prefix, at, null, 0);
                                lists.add(new ListRead(prefix, at, null, 0, render(r.items()), r.more()));
                            } else if (kind < 5) {
                                try {
                                    ListResult r = store.list(prefix, 0, null, 0);
                                    if (r.revision() < at) {
                                        violations.add("list at 0 read at " + r.revision() + " < " + at);
                                    }
                                    lists.add(new ListRead(prefix, r.revision(), null, 0, render(r.items()), r.more()));
                                } catch (CompactedException e) {
                                    violations.add("list('" + esc(prefix) + "', 0) threw " + e.getMessage()
                                            + " (current " + store.currentRevision() + ")");
                                }
                            } else if (kind < 7) {
                                int limit = 1 + rnd.nextInt(3);
                                String after = null;
                                for (int page = 0; page < 100; page++) {
                                    ListResult r = store.list(prefix, at, after, limit);
                                    lists.add(new ListRead(prefix, at, after, limit, render(r.items()), r.more()));
                                    if (!r.more() || r.items().isEmpty()) {
                                        break;
                                    }
                                    after = r.items().getLast().key();
                                }
                            } else if (kind < 9) {
                                long past = Math.max(1, compacted - 2 + (long) (rnd.nextDouble() * (at - compacted + 3)));
                                past = Math.min(past, at);
                                if (past > 0) {
                                    try {
                                        ListResult r = store.list(prefix, past, null, 0);
                                        lists.add(new ListRead(prefix, past, null, 0, render(r.items()), r.more()));
                                    } catch (CompactedException e) {
                                        if (past >= store.compactedRevision()) {
                                            violations.add("list at " + past + " compacted, but compacted is "
                                                    + store.compactedRevision());
                                        }
                                    }
                                }
                            } else {
                                String key = rnd.nextBoolean() ? shared[rnd.nextInt(shared.length)]
                                        : "/c/w" + rnd.nextInt(writers) + "/" + "x".repeat(20)
                                                + suffixes[rnd.nextInt(suffixes.length)];
                                long before = store.currentRevision();
                                String got = store.get(key).map(SqliteStoreModelTest::render).orElse(null);
                                gets.add(new GetRead(key, before, store.currentRevision(), got));
                            }
                        } catch (CompactedException e) {
                            if (e.requested() >= store.compactedRevision()) {
                                violations.add("list at " + e.requested() + " compacted, but compacted is "
                                        + store.compactedRevision());
                            }
                        }
                    }
                    return null;
                }));
            }
            others.add(pool.submit(() -> {
                Random rnd = new Random(3000);
                for (int i = 0; i < 100_000 && writing.get(); i++) {
                    Thread.sleep(3 + rnd.nextInt(8));
                    long current = store.currentRevision();
                    long compacted = store.compactedRevision();
                    // a revision just being written is a fair target too: it exists when the writer gets to it
                    long target = rnd.nextInt(10) < 3 ? current + 1 + rnd.nextInt(2)
                            : compacted + (long) (rnd.nextDouble() * (current - compacted + 1));
                    try {
                        store.compact(target);
                        compactions.add(target);
                    } catch (IllegalArgumentException e) {
                        if (target <= current) {
                            violations.add("compact(" + target + ") refused at current " + current + ": " + e);
                        }
                    }
                }
                return null;
            }));
            // watches from past revisions, opened while everything runs
            Random rnd = new Random(4000);
            for (int i = 0; i < 3; i++) {
                Thread.sleep(60);
                for (int attempt = 0; attempt < 20; attempt++) {
                    long compacted = store.compactedRevision();
                    long current = store.currentRevision();
                    long after = Math.min(current, compacted + (long) (rnd.nextDouble() * (current - compacted + 1)));
                    OpenWatch w = new OpenWatch(prefixes[rnd.nextInt(3)], after);
                    try {
                        w.open(store);
                        concurrentWatches.add(w);
                        break;
                    } catch (CompactedException e) {
                        // compacted meanwhile: try again
                    }
                }
            }
            for (Future<?> f : writerFutures) {
                f.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> f : others) {
                f.get(60, TimeUnit.SECONDS);
            }

            // ---- the history every write implies
            long last = store.currentRevision();
            List<Done> history = new ArrayList<>(done);
            history.sort(Comparator.comparingLong(Done::rev));
            assertThat(history.stream().map(Done::rev).toList()).as("revisions of the successful writes")
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
            Model m = new Model();
            for (Done d : history) {
                Ver live = m.live(d.key());
                switch (d.type()) {
                    case CREATE -> {
                        assertThat(live).as("create of live %s at %d", esc(d.key()), d.rev()).isNull();
                        m.add(d.key(), d.value(), 0, false);
                    }
                    case UPDATE -> {
                        assertThat(live).as("update of absent %s at %d", esc(d.key()), d.rev()).isNotNull();
                        m.add(d.key(), d.value(), live.createRev(), false);
                    }
                    case DELETE -> {
                        assertThat(live).as("delete of absent %s at %d", esc(d.key()), d.rev()).isNotNull();
                        m.add(d.key(), live.value(), live.createRev(), true);
                    }
                }
            }
            m.compacted = compactions.stream().mapToLong(Long::longValue).max().orElse(0);
            assertThat(store.compactedRevision()).isEqualTo(m.compacted);

            List<String> wrong = new ArrayList<>();
            for (ListRead r : lists) {
                List<String> all = m.list(r.prefix(), r.at(), r.startAfter());
                boolean more = r.limit() > 0 && all.size() > r.limit();
                List<String> expected = more ? all.subList(0, r.limit()) : all;
                if (!expected.equals(r.items()) || more != r.more()) {
                    wrong.add("list('" + esc(r.prefix()) + "', " + r.at() + ", " + esc(r.startAfter()) + ", "
                            + r.limit() + ") = " + r.items() + " more=" + r.more() + ", expected " + expected
                            + " more=" + more);
                }
            }
            for (GetRead g : gets) {
                boolean matches = false;
                for (long r = g.before(); r <= g.after() && !matches; r++) {
                    Ver v = m.at(g.key(), r);
                    String expected = v == null || v.deleted() ? null : render(g.key(), v.value(), v.createRev(), v.rev());
                    matches = java.util.Objects.equals(expected, g.got());
                }
                if (!matches) {
                    wrong.add("get(" + esc(g.key()) + ") between " + g.before() + " and " + g.after() + " = " + g.got());
                }
            }
            assertThat(wrong).as("reads that no revision explains (of %d lists, %d gets)", lists.size(), gets.size())
                    .isEmpty();
            for (OpenWatch w : concurrentWatches) {
                List<String> expected = m.events(w.prefix, w.after, last);
                assertThat(w.awaitEvents(expected.size())).as("watch '%s' after %d", esc(w.prefix), w.after)
                        .containsExactlyElementsOf(expected);
                assertThat(w.failures).isEmpty();
                w.handle.close();
            }
            concurrentWatches.clear();
            System.out.printf("concurrent: %d revisions, %d lists, %d gets, %d compactions up to %d, %d watches%n",
                    last, lists.size(), gets.size(), compactions.size(), m.compacted, 3);

            List<String> everything = m.list("", last, null);
            store.close();
            store = null;
            assertThat(revisionsInTable(file)).as("rows kept after compaction at %d", m.compacted)
                    .containsExactlyElementsOf(m.keptRows());
            store = SqliteStore.open(file);
            assertThat(store.currentRevision()).isEqualTo(last);
            assertThat(render(store.list("", 0, null, 0).items())).containsExactlyElementsOf(everything);
            assertThat(violations).as("violations seen while running").isEmpty();
        } finally {
            writing.set(false);
            for (OpenWatch w : concurrentWatches) {
                w.handle.close();
            }
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
