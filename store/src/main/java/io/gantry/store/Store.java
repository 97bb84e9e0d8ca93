package io.gantry.store;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A revisioned key-value store with the semantics the Kubernetes API relies on.
 *
 * <p>Every successful write bumps one global, monotonically increasing revision. Keys are strings
 * (for example {@code /registry/pods/default/web}); values are opaque bytes (the API server stores JSON).
 * Writes are guarded by the revision the caller last saw so concurrent writers never lose an update.
 * All methods are thread safe and may block; call them from virtual threads.
 */
public interface Store extends AutoCloseable {

    /** The revision of the newest write (0 for an empty store). */
    long currentRevision();

    /** The current value of a key. */
    Optional<KeyValue> get(String key);

    /**
     * Keys starting with {@code prefix}, in key order, as of one consistent revision.
     *
     * @param revision   the revision to read at, or 0 for the newest
     * @param startAfter only keys strictly greater than this one (null or empty: from the start)
     * @param limit      at most this many items (0: no limit); {@link ListResult#more()} says whether more exist
     * @throws CompactedException if {@code revision} is older than the last compaction
     */
    ListResult list(String prefix, long revision, String startAfter, int limit);

    /** Creates a key that must not exist yet; returns the new revision. */
    long create(String key, byte[] value) throws KeyExistsException;

    /**
     * Replaces the value of a key whose last modification was at {@code expectedModRevision}.
     * Returns the new revision.
     *
     * @throws KeyNotFoundException if the key does not exist
     * @throws ConflictException    if the key was modified since {@code expectedModRevision}
     */
    long update(String key, byte[] value, long expectedModRevision);

    /**
     * Deletes a key whose last modification was at {@code expectedModRevision} (0: unconditionally).
     * Returns the revision of the deletion.
     */
    long delete(String key, long expectedModRevision);

    /**
     * Watches every key under {@code prefix} for changes made after {@code afterRevision}, delivering each
     * change exactly once, in revision order, on a single thread per watch.
     *
     * @throws CompactedException if changes after {@code afterRevision} are no longer kept
     */
    default Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return watch(prefix, afterRevision, listener, failure -> { });
    }

    /**
     * Like {@link #watch(String, long, Consumer)}, and tells {@code onFailure} (once)
     * if the watch ends because the store failed, for example when the history it needs was compacted away.
     * After a failure no more events are delivered; the caller re-lists and watches again.
     */
    Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener, Consumer<Throwable> onFailure);

    /** Forgets the history older than {@code revision}; later reads or watches before it are "too old". */
    void compact(long revision);

    /** The revision of the last compaction (0 if never compacted). */
    long compactedRevision();

    @Override
    void close();
}
