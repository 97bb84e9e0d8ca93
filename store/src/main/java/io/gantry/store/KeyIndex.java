package io.gantry.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every key's versions since the last compaction, in memory, as etcd's treeIndex keeps them: the store's rows
 * are found by revision (their primary key) and the key order lives here. A secondary index of the rows by key
 * would cost every write a page of its own in a random place of the file (about as much as the row), written to
 * the log and again at the checkpoint; this costs a few bytes of memory per version.
 *
 * <p>One writer changes it, after its transaction committed and before it makes the new revision current; any
 * number of readers read it without locks. A reader looks only at versions at or below a revision that was
 * current when it started, all of which are here by then. A key's versions are an immutable array that a
 * change replaces. A key is found by its name in a hash map, and the key order (UTF-8 bytes, compared as such)
 * is a skip list that changes only when a key comes or goes: most writes change a key that exists.
 */
final class KeyIndex {
    /** One version of a key: its revision, the revision that created the key, and whether it deleted it. */
    record Version(long revision, long createRevision, boolean deleted) {
    }

    /** One key's versions: pairs of (revision, create revision), negated for a deletion, oldest first. */
    private static final class Versions {
        final String key;
        volatile long[] pairs;

        Versions(String key, long[] pairs) {
            this.key = key;
            this.pairs = pairs;
        }
    }

    private final ConcurrentHashMap<String, Versions> byName = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<byte[], Versions> inOrder =
            new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    /** The key's newest version at or below {@code revision}, or null if it had none then. */
    Version at(String key, long revision) {
        Versions versions = byName.get(key);
        return versions == null ? null : at(versions.pairs, revision);
    }

    private static Version at(long[] versions, long revision) {
        for (int i = versions.length - 2; i >= 0; i -= 2) {
            if (versions[i] <= revision) {
                long create = versions[i + 1];
                return new Version(versions[i], Math.abs(create), create < 0);
            }
        }
        return null;
    }

    /**
     * The keys that start with {@code prefix} and come after {@code startAfter} (if given), in key order, each
     * with its newest version at or below {@code revision} that is not a deletion; at most {@code limit} (0: all).
     */
    List<Map.Entry<String, Version>> live(String prefix, String startAfter, long revision, int limit) {
        byte[] first = Keys.utf8(prefix);
        List<Map.Entry<String, Version>> found = new ArrayList<>();
        for (Map.Entry<byte[], Versions> entry : inOrder.tailMap(Keys.rangeStart(prefix, startAfter)).entrySet()) {
            byte[] key = entry.getKey();
            if (key.length < first.length || Arrays.mismatch(key, 0, first.length, first, 0, first.length) >= 0
                    || limit > 0 && found.size() >= limit) {
                break;
            }
            Version version = at(entry.getValue().pairs, revision);
            if (version != null && !version.deleted()) {
                found.add(Map.entry(entry.getValue().key, version));
            }
        }
        return found;
    }

    /** Adds the key's newest version; only the writer calls this, in revision order. */
    void add(String key, Version version) {
        long created = version.deleted() ? -version.createRevision() : version.createRevision();
        Versions versions = byName.get(key);
        if (versions == null) {
            versions = new Versions(key, new long[] {version.revision(), created});
            inOrder.put(Keys.utf8(key), versions);
            byName.put(key, versions);
            return;
        }
        long[] old = versions.pairs;
        long[] pairs = Arrays.copyOf(old, old.length + 2);
        pairs[old.length] = version.revision();
        pairs[old.length + 1] = created;
        versions.pairs = pairs;
    }

    /**
     * The revisions a compaction at {@code target} removes: for every key, the versions older than its newest at
     * or below the target, and that one too if it is a deletion. The index drops them when {@link #compact} runs,
     * after the rows are gone.
     */
    long[] compactable(long target) {
        long[] removed = new long[64];
        int count = 0;
        for (Versions key : byName.values()) {
            long[] versions = key.pairs;
            int keep = keepFrom(versions, target);
            for (int i = 0; i < keep; i += 2) {
                if (count == removed.length) {
                    removed = Arrays.copyOf(removed, count * 2);
                }
                removed[count++] = versions[i];
            }
        }
        return Arrays.copyOf(removed, count);
    }

    /** Drops what {@link #compactable} named for {@code target}; a key with no version left goes. */
    void compact(long target) {
        for (Versions key : byName.values()) {
            long[] versions = key.pairs;
            int keep = keepFrom(versions, target);
            if (keep == versions.length) {
                // readers that found it keep reading its versions, all older than any revision they may read at
                byName.remove(key.key);
                inOrder.remove(Keys.utf8(key.key));
            } else if (keep > 0) {
                key.pairs = Arrays.copyOfRange(versions, keep, versions.length);
            }
        }
    }

    /** The index in {@code versions} of the first version a compaction at {@code target} keeps. */
    private static int keepFrom(long[] versions, long target) {
        int newest = -1;
        for (int i = 0; i < versions.length && versions[i] <= target; i += 2) {
            newest = i;
        }
        if (newest < 0) {
            return 0;
        }
        return versions[newest + 1] < 0 ? newest + 2 : newest;
    }
}
