package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.storage.ObjectKeys;
import io.gantry.apiserver.storage.CachedTrees;
import io.gantry.apiserver.storage.EncodedObject;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.store.ListResult;
import io.gantry.store.Store;
import io.gantry.store.Watch;
import io.gantry.store.WatchEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The current state and recent history of one resource type, fed by a single store watch and fanned out in
 * memory to every API watcher: a thousand watchers cost one store watch. New watchers start from any revision
 * still in the history window (or from the current state), atomically with live delivery, so no event is
 * missed or repeated.
 */
public final class WatchCache implements AutoCloseable {
    private final ResourceType type;
    private final Store store;
    private final int historyCapacity;
    /**
     * Each current object by key: its tree, and its stored bytes, which the next event of its key keeps as the
     * previous state. Read without the lock (every write reads the object it changes); changed under it, and
     * replaced whole when the cache is rebuilt, so that a reader never sees it half loaded.
     */
    private volatile Map<String, Current> current = new ConcurrentHashMap<>();
    /**
     * The keys of {@link #current} in order, for lists and for new watchers' initial state. Changed only when an
     * object comes or goes, not on the far more frequent modifications, which cost a hash map update alone.
     */
    private NavigableSet<String> keys = new TreeSet<>();
    private final Deque<PastEvent> history = new ArrayDeque<>();
    private final Set<Watcher> watchers = new CopyOnWriteArraySet<>();
    private final List<Consumer<CacheEvent>> listeners = new ArrayList<>();
    private final Object lock = new Object();
    /**
     * The trees of writes this server is making, by key, until the store reports them (see {@link EncodedObject}).
     * An entry the store never reports (the cache was rebuilding) goes with the next write of its key or the
     * next rebuild.
     */
    private final Map<String, EncodedObject> writes = new ConcurrentHashMap<>();
    /** Events after this revision are all in {@link #history}. */
    private long historyStart;
    private long revision;
    private volatile Watch storeWatch;
    private volatile boolean closed;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WatchCache.class);

    /** The current version of an object: the cache's tree and the stored bytes it was made from. */
    private record Current(ObjectNode tree, Version stored) {
    }

    /** One version of an object as stored (without its resourceVersion, which is {@code revision}). */
    private record Version(byte[] stored, long revision) {
        ObjectNode tree() {
            return CachedTrees.decode(stored, revision);
        }
    }

    /**
     * An event of the history, kept as the stored bytes of the object and of its previous state rather than as
     * trees: a watcher resuming from an older revision is rare, and trees kept for it would outlive the young
     * generation by the thousand (each version of every object changed in the window) only to die in the old
     * one, where collecting them costs concurrent marking. Bytes cost the collector nothing to trace.
     */
    private record PastEvent(CacheEvent.Type type, long revision, Version object, Version previous) {
        CacheEvent toCacheEvent() {
            return new CacheEvent(type, object.tree(), previous == null ? null : previous.tree(), revision,
                    object.stored());
        }
    }

    public WatchCache(ResourceType type, Store store, int historyCapacity) {
        this.type = type;
        this.store = store;
        this.historyCapacity = historyCapacity;
    }

    public ResourceType type() {
        return type;
    }

    /** Loads the current state and starts following the store. */
    public void start() {
        String prefix = ObjectKeys.typePrefix(type);
        ListResult initial = store.list(prefix, 0, null, 0);
        synchronized (lock) {
            writes.clear();
            history.clear();
            Map<String, Current> loaded = new ConcurrentHashMap<>();
            NavigableSet<String> loadedKeys = new TreeSet<>();
            for (var kv : initial.items()) {
                loaded.put(kv.key(), new Current(CachedTrees.decode(kv.value(), kv.modRevision()),
                        new Version(kv.value(), kv.modRevision())));
                loadedKeys.add(kv.key());
            }
            current = loaded;
            keys = loadedKeys;
            historyStart = initial.revision();
            revision = initial.revision();
        }
        storeWatch = store.watch(prefix, initial.revision(), this::onStoreEvent, this::onStoreFailure);
    }

    /**
     * The store watch ended (its history was compacted, the store went away): end every API watcher, whose
     * clients re-list as after any ended watch, and rebuild the cache from a fresh list, retrying until the
     * store answers again.
     */
    private void onStoreFailure(Throwable cause) {
        LOG.warn("watch cache for {} lost its store watch ({}); rebuilding", type.groupResource(), cause.toString());
        synchronized (lock) {
            watchers.forEach(Watcher::terminate);
            watchers.clear();
        }
        Thread.ofVirtual().name("watch-cache-rebuild").start(() -> {
            long delay = 100;
            while (!closed) {
                try {
                    start();
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("rebuilding the watch cache for {} failed: {}", type.groupResource(), e.toString());
                }
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    return;
                }
                delay = Math.min(delay * 2, 5_000);
            }
        });
    }

    /** Internal listeners (garbage collector, allocators) see every event, synchronously and in order. */
    public void addListener(Consumer<CacheEvent> listener) {
        synchronized (lock) {
            listeners.add(listener);
        }
    }

    private void onStoreEvent(WatchEvent event) {
        synchronized (lock) {
            Current before = current.get(event.key());
            if (SharedTreeCheck.ENABLED && before != null && !SharedTreeCheck.unchanged(before.tree(),
                    before.stored().stored(), before.stored().revision())) {
                LOG.error("{}: {} at revision {}", SharedTreeCheck.MESSAGE, event.key(), before.stored().revision());
            }
            ObjectNode previous = before == null ? null : before.tree();
            Version previousStored = before == null ? null : before.stored();
            CacheEvent cacheEvent;
            Version stored;
            if (event.type() == WatchEvent.Type.DELETE) {
                current.remove(event.key());
                keys.remove(event.key());
                // etcd sends no value when the previous one was compacted away: the cached state stands in for it,
                // copied, since earlier events still hold it with its own resourceVersion
                byte[] value = event.value() != null && event.value().length > 0 ? event.value() : null;
                ObjectNode last = value != null ? CachedTrees.decode(value, event.revision())
                        : previous == null ? null : previous.deepCopy();
                if (last == null) {
                    revision = event.revision();
                    return;
                }
                // A deleted object's resourceVersion is the revision of its deletion, as in Kubernetes.
                last.with("metadata").put("resourceVersion", Long.toString(event.revision()));
                cacheEvent = new CacheEvent(CacheEvent.Type.DELETED, last, previous, event.revision(), value);
                stored = new Version(value != null ? value : ObjectStorage.encode(last), event.revision());
            } else {
                Current now = written(event);
                ObjectNode object = now.tree();
                stored = now.stored();
                current.put(event.key(), now);
                if (before == null) {
                    keys.add(event.key());
                }
                cacheEvent = new CacheEvent(previous == null ? CacheEvent.Type.ADDED : CacheEvent.Type.MODIFIED,
                        object, previous, event.revision(), stored.stored());
            }
            revision = event.revision();
            history.addLast(new PastEvent(cacheEvent.type(), event.revision(), stored,
                    previous == null ? null : previousStored));
            if (history.size() > historyCapacity) {
                historyStart = history.removeFirst().revision();
            }
            for (Watcher w : watchers) {
                w.offer(cacheEvent);
            }
            for (Consumer<CacheEvent> l : listeners) {
                try {
                    l.accept(cacheEvent);
                } catch (RuntimeException e) {
                    LOG.warn("watch listener failed", e);
                }
            }
        }
    }

    /** A write of {@code encoded} under {@code key} is on its way to the store (see {@link EncodedObject}). */
    public void expectWrite(String key, EncodedObject encoded) {
        writes.put(key, encoded);
    }

    /** The write of {@code encoded} under {@code key} failed. */
    public void writeFailed(String key, EncodedObject encoded) {
        writes.remove(key, encoded);
    }

    /** The stored bytes the cache keeps of the object under {@code key}, or null. */
    byte[] storedValue(String key) {
        Current c = current.get(key);
        return c == null ? null : c.stored().stored();
    }

    /** How many writes this cache holds trees of, waiting for the store to report them. */
    int pendingWrites() {
        return writes.size();
    }

    /**
     * The tree of a stored value and the bytes to keep: the tree its write built, when this server made the write and
     * no other write of the key came between, with the write's own bytes (the store may report an equal copy, and
     * the tree's managedFields are a slice of the write's bytes: keeping both arrays would keep the value twice);
     * else the tree decoded from the reported bytes (the value another server wrote, or a write racing another).
     */
    private Current written(WatchEvent event) {
        EncodedObject write = writes.remove(event.key());
        if (write != null && (write.stored() == event.value() || Arrays.equals(write.stored(), event.value()))) {
            write.cacheTree().with("metadata").put("resourceVersion", Long.toString(event.revision()));
            return new Current(write.cacheTree(), new Version(write.stored(), event.revision()));
        }
        return new Current(CachedTrees.decode(event.value(), event.revision()),
                new Version(event.value(), event.revision()));
    }

    /**
     * Starts a watcher.
     *
     * @param fromRevision deliver events after this revision; a negative value first delivers the current
     *                     state as ADDED events (a watch without resourceVersion, or "0")
     * @param filter       which events this watcher wants (selectors and namespace already applied)
     * @throws ApiException 410 Expired when {@code fromRevision} is older than the kept history
     */
    public Watcher watch(long fromRevision, Predicate<CacheEvent> filter) {
        synchronized (lock) {
            Watcher watcher = new Watcher(filter, watchers::remove);
            if (fromRevision < 0) {
                for (String key : keys) {
                    watcher.offer(new CacheEvent(CacheEvent.Type.ADDED, current.get(key).tree(), null, revision));
                }
            } else {
                if (fromRevision < historyStart) {
                    throw ApiException.gone("too old resource version: " + fromRevision + " (" + historyStart + ")");
                }
                for (PastEvent e : history) {
                    if (e.revision() > fromRevision) {
                        watcher.offer(e.toCacheEvent());
                    }
                }
            }
            watchers.add(watcher);
            return watcher;
        }
    }

    /** The newest revision this cache has applied. */
    public long revision() {
        synchronized (lock) {
            return revision;
        }
    }

    /** The current state of one object by store key (a shared tree: do not modify it). */
    public java.util.Optional<ObjectNode> get(String key) {
        Current c = current.get(key);
        return c == null ? java.util.Optional.empty() : java.util.Optional.of(c.tree());
    }

    /** The current objects under a key prefix, in key order, with the revision they are current at. */
    public Snapshot list(String prefix) {
        synchronized (lock) {
            return new Snapshot(trees(keys.subSet(prefix, prefix + Character.MAX_VALUE)), revision);
        }
    }

    /** Objects as of one revision of this cache (shared trees: do not modify them). */
    public record Snapshot(List<ObjectNode> items, long revision) {
    }

    /** A copy of the current objects (shared trees: do not modify them). */
    public Collection<ObjectNode> snapshot() {
        synchronized (lock) {
            return trees(keys);
        }
    }

    /** The current trees of {@code inOrder}, which are keys of {@link #current}; under the lock. */
    private List<ObjectNode> trees(Collection<String> inOrder) {
        List<ObjectNode> trees = new ArrayList<>(inOrder.size());
        for (String key : inOrder) {
            trees.add(current.get(key).tree());
        }
        return trees;
    }

    public int watcherCount() {
        return watchers.size();
    }

    @Override
    public void close() {
        closed = true;
        if (storeWatch != null) {
            storeWatch.close();
        }
        watchers.forEach(Watcher::terminate);
        watchers.clear();
    }
}
