package io.gantry.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
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
 * change replaces.
 */
final class KeyIndex {
    /** Code point order, which is the UTF-8 byte order both stores promise. */
    static final Comparator<String> UTF8_ORDER = KeyIndex::compareUtf8;

    /** One version of a key: its revision, the revision that created the key, and whether it deleted it. */
    record Version(long revision, long createRevision, boolean deleted) {
    }

    /** Pairs of (revision, create revision), negated for a deletion, oldest first. */
    private final ConcurrentSkipListMap<String, long[]> keys = new ConcurrentSkipListMap<>(UTF8_ORDER);

    /** The key's newest version at or below {@code revision}, or null if it had none then. */
    Version at(String key, long revision) {
        long[] versions = keys.get(key);
        return versions == null ? null : at(versions, revision);
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
        NavigableMap<String, long[]> from = startAfter != null && !startAfter.isEmpty()
                && UTF8_ORDER.compare(startAfter, prefix) >= 0
                ? keys.tailMap(startAfter, false) : keys.tailMap(prefix, true);
        List<Map.Entry<String, Version>> found = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : from.entrySet()) {
            if (!entry.getKey().startsWith(prefix) || limit > 0 && found.size() >= limit) {
                break;
            }
            Version version = at(entry.getValue(), revision);
            if (version != null && !version.deleted()) {
                found.add(Map.entry(entry.getKey(), version));
            }
        }
        return found;
    }

    /** Adds the key's newest version; only the writer calls this, in revision order. */
    void add(String key, Version version) {
        long[] old = keys.get(key);
        int length = old == null ? 0 : old.length;
        long[] versions = old == null ? new long[2] : Arrays.copyOf(old, length + 2);
        versions[length] = version.revision();
        versions[length + 1] = version.deleted() ? -version.createRevision() : version.createRevision();
        keys.put(key, versions);
    }

    /**
     * The revisions a compaction at {@code target} removes: for every key, the versions older than its newest at
     * or below the target, and that one too if it is a deletion. The index drops them when {@link #compact} runs,
     * after the rows are gone.
     */
    long[] compactable(long target) {
        long[] removed = new long[64];
        int count = 0;
        for (long[] versions : keys.values()) {
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
        for (Map.Entry<String, long[]> entry : keys.entrySet()) {
            long[] versions = entry.getValue();
            int keep = keepFrom(versions, target);
            if (keep == versions.length) {
                keys.remove(entry.getKey());
            } else if (keep > 0) {
                keys.put(entry.getKey(), Arrays.copyOfRange(versions, keep, versions.length));
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

    private static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // UTF-16 puts U+E000..U+FFFF above the surrogates of supplementary characters; code points do not
                if (x >= 0xD800 && y >= 0xD800) {
                    return codePointRank(x) - codePointRank(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    private static int codePointRank(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
}
