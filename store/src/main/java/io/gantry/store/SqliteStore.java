package io.gantry.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The embedded store: an MVCC key-value log in one SQLite file, in the style of etcd's kine.
 *
 * <p>Every write appends a row (revision, key, value, create_revision, prev_revision, deleted), so a listing
 * can be read at an older revision and a watch can replay history; {@link #compact} drops rows that no
 * reader at or after the compact revision can see. A deletion row keeps the deleted value so DELETE events
 * carry it without a second lookup. The rows are found by revision, their primary key; which revisions a key
 * has is kept in memory ({@link KeyIndex}, read from the table at start), as etcd does, rather than in an index
 * of the table, whose page each write would change in a random place.
 *
 * <p>Writes go through one writer thread doing group commit: it drains the queue, applies the whole batch
 * (each compare-and-swap checked in order inside the transaction, so each caller gets its own answer) in
 * one transaction, pays for one fsync, then publishes the batch's events and completes the callers'
 * futures. In a steady stream of writes (the previous commit has just ended) a small batch waits up to a
 * millisecond for more, as PostgreSQL's commit_delay does: the fsync costs more CPU than the writes. Being the
 * only writer is also what makes watches simple: events are published from memory in revision order, and a new watch replays the table up to the revision at which it subscribed, so the
 * hand-over has neither gaps nor duplicates. A lock file keeps a second process from writing the database.
 * Reads use a small pool of separate connections, which WAL lets run concurrently with the writer.
 */
public final class SqliteStore implements Store {
    private static final int MAX_BATCH = 1000;
    private static final int LINGER_BELOW = 16;
    private static final long LINGER_NANOS = 1_000_000;
    private static final long STREAM_GAP_NANOS = 2_000_000;
    private static final int READERS = 4;
    /** No valid UTF-8 key contains 0xff, so this bounds an open-ended range. */
    private static final byte[] AFTER_ALL_KEYS = {(byte) 0xff};

    private static final String VALUE = "SELECT value FROM kv WHERE revision = ?";
    private static final String INSERT =
            "INSERT INTO kv(revision, key, value, create_revision, prev_revision, deleted) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String HISTORY = """
            SELECT revision, key, value, create_revision, deleted FROM kv
            WHERE revision > ? AND revision <= ? AND key >= ? AND key < ? ORDER BY revision""";
    private static final String VERSIONS = "SELECT revision, key, create_revision, deleted FROM kv ORDER BY revision";
    private static final String REMOVE = "DELETE FROM kv WHERE revision = ?";

    private final String url;
    private final FileChannel lockChannel;
    private final Connection writeConnection;
    private final PreparedStatement value;
    private final PreparedStatement insert;
    private final KeyIndex index = new KeyIndex();
    /** The versions the writer's open transaction added, in order, and the newest of each key among them. */
    private final List<Map.Entry<String, KeyIndex.Version>> written = new ArrayList<>();
    private final Map<String, KeyIndex.Version> writtenNewest = new HashMap<>();
    /** A compaction in the open transaction: its revision, dropped from the index once the rows are gone. */
    private long compactedInBatch;
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private final List<Connection> allReaders = new ArrayList<>();
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock submitLock = new ReentrantLock();
    /** Guards the subscriber list together with {@link #currentRevision} so a new watch has an exact start. */
    private final ReentrantLock publishLock = new ReentrantLock();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Thread writer;
    private volatile long currentRevision;
    private volatile long compactedRevision;
    private boolean closed;

    private sealed interface Write permits Create, Update, Delete, Compact, Shutdown {
    }

    private record Create(String key, byte[] value, CompletableFuture<Long> result) implements Write {
    }

    private record Update(String key, byte[] value, long expected, CompletableFuture<Long> result) implements Write {
    }

    private record Delete(String key, long expected, CompletableFuture<Long> result) implements Write {
    }

    private record Compact(long revision, CompletableFuture<Long> result) implements Write {
    }

    private record Shutdown() implements Write {
    }

    private record Subscriber(String prefix, EventPump pump) {
    }

    private SqliteStore(Path file) throws IOException, SQLException {
        Path absolute = file.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        this.url = "jdbc:sqlite:" + absolute;
        this.lockChannel = lock(absolute);
        try {
            this.writeConnection = DriverManager.getConnection(url);
            try (Statement s = writeConnection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                // FULL fsyncs the WAL on every commit. NORMAL in WAL mode would already survive kill -9 (the
                // OS keeps written pages), but can lose acknowledged writes on power loss; group commit
                // makes the per-commit fsync cheap enough to afford the stronger promise.
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS kv (
                          revision INTEGER PRIMARY KEY,
                          key BLOB NOT NULL,
                          value BLOB NOT NULL,
                          create_revision INTEGER NOT NULL,
                          prev_revision INTEGER NOT NULL,
                          deleted INTEGER NOT NULL)""");
                // the key index lives in memory now (KeyIndex); a database written before keeps no index of its own
                s.execute("DROP INDEX IF EXISTS kv_key_revision");
                s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
                long compacted = 0;
                try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = 'compact_revision'")) {
                    if (rs.next()) {
                        compacted = rs.getLong(1);
                    }
                }
                long newest = 0;
                try (ResultSet rs = s.executeQuery(VERSIONS)) {
                    while (rs.next()) {
                        newest = rs.getLong(1);
                        index.add(Keys.string(rs.getBytes(2)),
                                new KeyIndex.Version(newest, rs.getLong(3), rs.getInt(4) != 0));
                    }
                }
                // Compaction may have removed a trailing deletion row, but never a revision above it.
                this.compactedRevision = compacted;
                this.currentRevision = Math.max(newest, compacted);
            }
            writeConnection.setAutoCommit(false);
            this.value = writeConnection.prepareStatement(VALUE);
            this.insert = writeConnection.prepareStatement(INSERT);
            for (int i = 0; i < READERS; i++) {
                Connection reader = openReader();
                allReaders.add(reader);
                readers.add(reader);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        this.writer = Thread.ofPlatform().name("sqlite-store-writer").daemon().start(this::writeLoop);
    }

    /** Opens (creating if needed) the store in {@code file}; only one process may have it open. */
    public static SqliteStore open(Path file) {
        try {
            return new SqliteStore(file);
        } catch (IOException | SQLException e) {
            throw new StoreUnavailableException("cannot open SQLite store " + file + ": " + e.getMessage(), e);
        }
    }

    private static FileChannel lock(Path db) throws IOException {
        Path lockFile = db.resolveSibling(db.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StoreUnavailableException("SQLite store " + db + " is in use by another process", null);
            }
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new StoreUnavailableException("SQLite store " + db + " is already open in this process", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private Connection openReader() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("PRAGMA query_only=true");
        }
        return c;
    }

    @Override
    public long currentRevision() {
        return currentRevision;
    }

    @Override
    public Optional<KeyValue> get(String name) {
        String key = Keys.canonical(name);
        for (int attempt = 0; ; attempt++) {
            KeyIndex.Version version = index.at(key, currentRevision);
            if (version == null || version.deleted()) {
                return Optional.empty();
            }
            // Gone only if newer versions came and a compaction took this one meanwhile: read the newest again.
            byte[] found = read(c -> value(c, version.revision()));
            if (found != null) {
                return Optional.of(new KeyValue(key, found, version.createRevision(), version.revision()));
            }
            if (attempt == 100) {
                throw new StoreUnavailableException("the row of " + key + " at revision " + version.revision()
                        + " is missing", null);
            }
        }
    }

    private static byte[] value(Connection c, long revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(VALUE)) {
            ps.setLong(1, revision);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    @Override
    public ListResult list(String rangePrefix, long revision, String rangeStartAfter, int limit) {
        String prefix = Keys.canonical(rangePrefix);
        String startAfter = rangeStartAfter == null ? null : Keys.canonical(rangeStartAfter);
        if (revision < 0 || limit < 0) {
            throw new IllegalArgumentException("negative revision or limit");
        }
        while (true) {
            long at = revision == 0 ? currentRevision : revision;
            if (at > currentRevision) {
                throw new IllegalArgumentException("revision " + revision + " is in the future");
            }
            checkNotCompacted(at);
            List<Map.Entry<String, KeyIndex.Version>> versions =
                    index.live(prefix, startAfter, at, limit == 0 ? 0 : limit + 1);
            List<KeyValue> items = read(c -> values(c, versions));
            // A compaction that started while we read may have removed rows we needed (it raises
            // compactedRevision before deleting). The newest revision is always readable, so just retry.
            if (items == null || at < compactedRevision) {
                if (revision == 0) {
                    continue;
                }
                throw new CompactedException(at, compactedRevision);
            }
            boolean more = limit > 0 && items.size() > limit;
            return new ListResult(more ? List.copyOf(items.subList(0, limit)) : List.copyOf(items), at, more);
        }
    }

    /**
     * The values of {@code versions}, read in one transaction; null if one is gone, which only a compaction
     * past the revision they were chosen at does.
     */
    private static List<KeyValue> values(Connection c, List<Map.Entry<String, KeyIndex.Version>> versions)
            throws SQLException {
        List<KeyValue> found = new ArrayList<>(versions.size());
        if (versions.isEmpty()) {
            return found;
        }
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(VALUE)) {
            for (Map.Entry<String, KeyIndex.Version> entry : versions) {
                KeyIndex.Version version = entry.getValue();
                ps.setLong(1, version.revision());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    found.add(new KeyValue(entry.getKey(), rs.getBytes(1), version.createRevision(),
                            version.revision()));
                }
            }
            return found;
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Override
    public long create(String key, byte[] value) {
        return submit(new Create(Keys.canonical(key), value.clone(), new CompletableFuture<>()));
    }

    @Override
    public long update(String key, byte[] value, long expectedModRevision) {
        return submit(new Update(Keys.canonical(key), value.clone(), expectedModRevision, new CompletableFuture<>()));
    }

    @Override
    public long delete(String key, long expectedModRevision) {
        return submit(new Delete(Keys.canonical(key), expectedModRevision, new CompletableFuture<>()));
    }

    @Override
    public void compact(long revision) {
        submit(new Compact(revision, new CompletableFuture<>()));
    }

    @Override
    public long compactedRevision() {
        return compactedRevision;
    }

    @Override
    public Watch watch(String watchedPrefix, long afterRevision, Consumer<WatchEvent> listener,
                       Consumer<Throwable> onFailure) {
        String prefix = Keys.canonical(watchedPrefix);
        checkNotCompacted(afterRevision);
        EventPump pump = new EventPump("sqlite-watch " + prefix, afterRevision, listener, onFailure);
        Subscriber subscriber = new Subscriber(prefix, pump);
        long subscribedAt;
        publishLock.lock();
        try {
            // Every event up to subscribedAt is committed; every later one will be offered to the pump.
            subscribedAt = currentRevision;
            subscribers.add(subscriber);
        } finally {
            publishLock.unlock();
        }
        pump.onClose(() -> subscribers.remove(subscriber));
        if (afterRevision >= subscribedAt) {
            pump.start(null);
            return pump;
        }
        try {
            pump.start(openHistory(prefix, afterRevision, subscribedAt));
            return pump;
        } catch (RuntimeException e) {
            pump.close();
            throw e;
        }
    }

    /**
     * Starts the history query here so compaction is detected before {@code watch} returns; the open
     * statement pins a WAL snapshot, so a compaction that runs while the pump replays cannot take rows
     * away. It uses its own connection because a slow listener may hold it for long.
     */
    private EventPump.Replay openHistory(String prefix, long after, long until) {
        Connection c = null;
        try {
            c = openReader();
            PreparedStatement ps = c.prepareStatement(HISTORY);
            byte[] end = Keys.prefixEnd(Keys.utf8(prefix));
            ps.setLong(1, after);
            ps.setLong(2, until);
            ps.setBytes(3, Keys.utf8(prefix));
            ps.setBytes(4, end == null ? AFTER_ALL_KEYS : end);
            ResultSet rs = ps.executeQuery();
            checkNotCompacted(after);
            Connection connection = c;
            return sink -> {
                try (connection; rs) {
                    boolean open = true;
                    while (open && rs.next()) {
                        open = sink.test(event(Keys.string(rs.getBytes(2)), rs.getBytes(3), rs.getLong(4),
                                rs.getLong(1), rs.getInt(5) != 0));
                    }
                }
            };
        } catch (SQLException e) {
            closeQuietly(c);
            throw unavailable(e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static WatchEvent event(String key, byte[] value, long createRevision, long revision, boolean deleted) {
        WatchEvent.Type type = deleted ? WatchEvent.Type.DELETE
                : createRevision == revision ? WatchEvent.Type.CREATE : WatchEvent.Type.UPDATE;
        return new WatchEvent(type, key, value, revision);
    }

    private void checkNotCompacted(long revision) {
        long compacted = compactedRevision;
        if (revision < compacted) {
            throw new CompactedException(revision, compacted);
        }
    }

    @Override
    public void close() {
        submitLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(new Shutdown());
        } finally {
            submitLock.unlock();
        }
        for (Subscriber s : subscribers) {
            s.pump().close();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        for (Connection c : allReaders) {
            closeQuietly(c);
        }
        closeQuietly(writeConnection);
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock
            }
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing is best effort
            }
        }
    }

    // ---- reads

    @FunctionalInterface
    private interface ReadAction<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T read(ReadAction<T> action) {
        Connection c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a read connection", e);
        }
        try {
            return action.apply(c);
        } catch (SQLException e) {
            throw unavailable(e);
        } finally {
            readers.add(c);
        }
    }

    private static StoreUnavailableException unavailable(SQLException e) {
        return new StoreUnavailableException("SQLite store failed: " + e.getMessage(), e);
    }

    // ---- writes

    private long submit(Write write) {
        CompletableFuture<Long> result = resultOf(write);
        submitLock.lock();
        try {
            if (closed) {
                throw new StoreUnavailableException("SQLite store is closed", null);
            }
            queue.add(write);
        } finally {
            submitLock.unlock();
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                // Re-throw the store's own exception; its stack trace points into the writer thread.
                throw r;
            }
            throw new StoreUnavailableException("SQLite write failed", e.getCause());
        }
    }

    private static CompletableFuture<Long> resultOf(Write write) {
        return switch (write) {
            case Create c -> c.result();
            case Update u -> u.result();
            case Delete d -> d.result();
            case Compact c -> c.result();
            case Shutdown s -> new CompletableFuture<>();
        };
    }

    private void writeLoop() {
        List<Write> batch = new ArrayList<>();
        boolean running = true;
        long lastCommit = 0;
        while (running) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            if (System.nanoTime() - lastCommit < STREAM_GAP_NANOS) {
                lingerForMore(batch);
            }
            // close() enqueues Shutdown under the submit lock after which nothing else is queued.
            if (batch.getLast() instanceof Shutdown) {
                batch.removeLast();
                running = false;
            }
            try {
                if (!batch.isEmpty()) {
                    applyBatch(batch);
                }
            } catch (Throwable t) {
                // Keep the writer alive; callers of this batch must not wait forever.
                for (Write w : batch) {
                    resultOf(w).completeExceptionally(new StoreUnavailableException("SQLite write failed", t));
                }
            }
            batch.clear();
            lastCommit = System.nanoTime();
        }
    }

    /**
     * In a steady stream of writes (the last commit just ended), waits a moment for more to share this commit's
     * fsync, which costs more CPU than the writes themselves. An interrupt ends the wait; the batch still commits.
     */
    private void lingerForMore(List<Write> batch) {
        long until = System.nanoTime() + LINGER_NANOS;
        long left;
        try {
            while (batch.size() < LINGER_BELOW && !(batch.getLast() instanceof Shutdown)
                    && (left = until - System.nanoTime()) > 0) {
                Write next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    return;
                }
                batch.add(next);
                queue.drainTo(batch, MAX_BATCH - batch.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void applyBatch(List<Write> batch) {
        long revision = currentRevision;
        long compactedBefore = compactedRevision;
        List<Object> outcomes = new ArrayList<>(batch.size()); // Long revision or StoreException
        List<WatchEvent> events = new ArrayList<>(batch.size());
        try {
            for (Write w : batch) {
                try {
                    WatchEvent event = apply(w, revision + 1);
                    if (event != null) {
                        revision++;
                        events.add(event);
                        outcomes.add(revision);
                    } else {
                        outcomes.add(compactedRevision);
                    }
                } catch (StoreException | IllegalArgumentException e) {
                    outcomes.add(e);
                }
            }
            writeConnection.commit();
        } catch (SQLException | RuntimeException e) {
            forgetBatch();
            // a compaction of the batch raised it, and no rows went
            compactedRevision = compactedBefore;
            try {
                writeConnection.rollback();
            } catch (SQLException ignored) {
                // the connection is unusable; callers below learn it from the original failure
            }
            StoreUnavailableException failure = e instanceof SQLException sql ? unavailable(sql)
                    : new StoreUnavailableException("SQLite write failed: " + e, e);
            for (Write w : batch) {
                resultOf(w).completeExceptionally(failure);
            }
            return;
        }
        indexBatch();
        publish(events, revision);
        for (int i = 0; i < batch.size(); i++) {
            Object outcome = outcomes.get(i);
            if (outcome instanceof Long l) {
                resultOf(batch.get(i)).complete(l);
            } else {
                resultOf(batch.get(i)).completeExceptionally((Throwable) outcome);
            }
        }
    }

    /** The committed batch's versions go into the index before its revisions become current. */
    private void indexBatch() {
        for (Map.Entry<String, KeyIndex.Version> version : written) {
            index.add(version.getKey(), version.getValue());
        }
        if (compactedInBatch > 0) {
            index.compact(compactedInBatch);
        }
        forgetBatch();
    }

    private void forgetBatch() {
        written.clear();
        writtenNewest.clear();
        compactedInBatch = 0;
    }

    private void publish(List<WatchEvent> events, long revision) {
        publishLock.lock();
        try {
            currentRevision = revision;
            for (Subscriber s : subscribers) {
                for (WatchEvent e : events) {
                    if (e.key().startsWith(s.prefix())) {
                        s.pump().offer(e);
                    }
                }
            }
        } finally {
            publishLock.unlock();
        }
    }

    /** Applies one write at {@code revision} inside the open transaction; null for a compaction. */
    private WatchEvent apply(Write write, long revision) throws SQLException {
        return switch (write) {
            case Create c -> {
                KeyIndex.Version newest = newest(c.key());
                if (newest != null && !newest.deleted()) {
                    throw new KeyExistsException(c.key());
                }
                insert(revision, c.key(), c.value(), revision, newest == null ? 0 : newest.revision(), false);
                yield new WatchEvent(WatchEvent.Type.CREATE, c.key(), c.value(), revision);
            }
            case Update u -> {
                KeyIndex.Version live = live(u.key(), u.expected(), false);
                insert(revision, u.key(), u.value(), live.createRevision(), live.revision(), false);
                yield new WatchEvent(WatchEvent.Type.UPDATE, u.key(), u.value(), revision);
            }
            case Delete d -> {
                KeyIndex.Version live = live(d.key(), d.expected(), true);
                // the deletion row keeps the value, which its event carries
                byte[] deleted = storedValue(live.revision());
                insert(revision, d.key(), deleted, live.createRevision(), live.revision(), true);
                yield new WatchEvent(WatchEvent.Type.DELETE, d.key(), deleted, revision);
            }
            case Compact c -> {
                compactAt(c.revision());
                yield null;
            }
            case Shutdown s -> throw new IllegalStateException("shutdown is not a write");
        };
    }

    /** The key's newest version, if it was last modified at {@code expected} (0 matches any, if allowed). */
    private KeyIndex.Version live(String key, long expected, boolean zeroMatchesAny) {
        KeyIndex.Version newest = newest(key);
        if (newest == null || newest.deleted()) {
            throw new KeyNotFoundException(key);
        }
        if (!(expected == 0 && zeroMatchesAny) && newest.revision() != expected) {
            throw new ConflictException(key);
        }
        return newest;
    }

    /** The key's newest version as the open transaction sees it: written in this batch, or committed before. */
    private KeyIndex.Version newest(String key) {
        KeyIndex.Version inBatch = writtenNewest.get(key);
        return inBatch != null ? inBatch : index.at(key, Long.MAX_VALUE);
    }

    private byte[] storedValue(long revision) throws SQLException {
        value.setLong(1, revision);
        try (ResultSet rs = value.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("the row of revision " + revision + " is missing");
            }
            return rs.getBytes(1);
        }
    }

    /**
     * Compacts at {@code target}, which must have been current before this batch: a revision only this batch
     * writes did not exist when the compaction was asked for, and its rows are not in the key index yet, which
     * is what a compaction removes rows by.
     */
    private void compactAt(long target) throws SQLException {
        long newest = currentRevision;
        if (target > newest) {
            throw new IllegalArgumentException("cannot compact at future revision " + target + " (newest: "
                    + newest + ")");
        }
        if (target <= compactedRevision) {
            return;
        }
        // Raised before rows disappear so readers that raced with us notice and retry or fail.
        compactedRevision = target;
        // Keeps, for every key, its newest version at or before the target unless that is a deletion.
        try (PreparedStatement ps = writeConnection.prepareStatement(REMOVE)) {
            long[] removed = index.compactable(target);
            for (int i = 0; i < removed.length; i++) {
                ps.setLong(1, removed[i]);
                ps.addBatch();
                if (i % 500 == 499 || i == removed.length - 1) {
                    ps.executeBatch();
                }
            }
        }
        compactedInBatch = target;
        try (PreparedStatement ps = writeConnection.prepareStatement(
                "INSERT OR REPLACE INTO meta(name, value) VALUES ('compact_revision', ?)")) {
            ps.setLong(1, target);
            ps.executeUpdate();
        }
    }


    private void insert(long revision, String key, byte[] value, long createRevision, long prevRevision,
                        boolean deleted) throws SQLException {
        insert.setLong(1, revision);
        insert.setBytes(2, Keys.utf8(key));
        insert.setBytes(3, value);
        insert.setLong(4, createRevision);
        insert.setLong(5, prevRevision);
        insert.setInt(6, deleted ? 1 : 0);
        insert.executeUpdate();
        KeyIndex.Version version = new KeyIndex.Version(revision, createRevision, deleted);
        written.add(Map.entry(key, version));
        writtenNewest.put(key, version);
    }
}
