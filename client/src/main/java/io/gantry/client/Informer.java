package io.gantry.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A local, always-current copy of the objects of one kind, kept by list-then-watch like client-go's informers:
 * after the first list the watch continues from its resourceVersion; when the watch expires (410) or breaks,
 * the informer lists again and tells its handlers the difference. Handlers are called one at a time, in
 * order, from the informer's list or watch thread: keep them short (put work on a queue).
 */
public final class Informer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Informer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** What handlers are told. */
    public interface Handler {
        /** A handler that gives {@code action} every version it hears of: added, before and after an update, deleted. */
        static Handler eachVersion(Consumer<ObjectNode> action) {
            return new Handler() {
                @Override
                public void onAdd(ObjectNode object) {
                    action.accept(object);
                }

                @Override
                public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
                    action.accept(oldObject);
                    action.accept(newObject);
                }

                @Override
                public void onDelete(ObjectNode object) {
                    action.accept(object);
                }
            };
        }

        default void onAdd(ObjectNode object) {
        }

        default void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        }

        default void onDelete(ObjectNode object) {
        }
    }

    private final ApiClient client;
    private final ResourceType type;
    private final String namespace;
    private final ListQuery query;
    private final Map<String, ObjectNode> store = new ConcurrentHashMap<>();
    /** client-go's indexers: per index, the index values of each object and the keys under each value. */
    private final Map<String, Function<ObjectNode, List<String>>> indexers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Set<String>>> indexes = new ConcurrentHashMap<>();
    private final List<Handler> handlers = new CopyOnWriteArrayList<>();
    private final CountDownLatch synced = new CountDownLatch(1);
    /** The fields {@link #keepOnly} chose, and whether managedFields go too. */
    private volatile Projection kept = Projection.ALL;
    private volatile boolean withoutManagedFields;
    /** What is kept of each object, fixed when the informer starts. */
    private volatile Projection projection = Projection.ALL;
    private volatile boolean running;
    private volatile WatchHandle watch;
    private Thread thread;

    public Informer(ApiClient client, ResourceType type, String namespace, ListQuery query) {
        this.client = client;
        this.type = type;
        this.namespace = namespace;
        this.query = query;
    }

    public ResourceType type() {
        return type;
    }

    /**
     * Keeps objects without {@code metadata.managedFields} (before {@link #start()}), as client-go's
     * TransformStripManagedFields does for components that never read them: often the larger part of an object.
     */
    public Informer withoutManagedFields() {
        withoutManagedFields = true;
        return this;
    }

    /**
     * Keeps only the fields at these dot-separated paths (before {@link #start()}; see {@link Projection#only}), for a
     * component that keeps many objects and reads a few of their fields: a watch then skips the rest while parsing.
     * apiVersion, kind, and the name, namespace and resourceVersion in metadata are always kept: the informer itself
     * reads them. Without managedFields ({@link #withoutManagedFields}) still holds, in either order.
     */
    public Informer keepOnly(String... paths) {
        String[] all = Arrays.copyOf(paths, paths.length + 5);
        all[paths.length] = "apiVersion";
        all[paths.length + 1] = "kind";
        all[paths.length + 2] = "metadata.name";
        all[paths.length + 3] = "metadata.namespace";
        all[paths.length + 4] = "metadata.resourceVersion";
        kept = Projection.only(all);
        return this;
    }

    /** What is kept of each object. */
    private Projection keptFields() {
        return withoutManagedFields ? kept.without("metadata.managedFields") : kept;
    }

    private ObjectNode transform(ObjectNode object) {
        return projection.apply(object);
    }

    /**
     * Adds an index (before {@link #start()}): {@code values} gives the index values an object is found under,
     * e.g. the uid of its controller, so that {@link #byIndex} answers without scanning every object.
     */
    public Informer addIndex(String name, Function<ObjectNode, List<String>> values) {
        indexers.put(name, values);
        indexes.put(name, new ConcurrentHashMap<>());
        return this;
    }

    /** The cached objects found under {@code value} in index {@code name} (shared trees: do not modify them). */
    public List<ObjectNode> byIndex(String name, String value) {
        Map<String, Set<String>> index = indexes.get(name);
        if (index == null) {
            throw new IllegalArgumentException("no index " + name);
        }
        List<ObjectNode> objects = new ArrayList<>();
        for (String k : index.getOrDefault(value, Set.of())) {
            ObjectNode o = store.get(k);
            if (o != null) {
                objects.add(o);
            }
        }
        return objects;
    }

    private ObjectNode put(String k, ObjectNode object) {
        ObjectNode old = store.put(k, object);
        // most updates keep an object's index values (its controller, namespace, node): those entries stay put
        indexers.forEach((name, values) -> {
            List<String> before = old == null ? List.of() : values.apply(old);
            List<String> after = values.apply(object);
            if (before.equals(after)) {
                return;
            }
            Map<String, Set<String>> index = indexes.get(name);
            for (String v : after) {
                index.computeIfAbsent(v, x -> ConcurrentHashMap.newKeySet()).add(k);
            }
            for (String v : before) {
                if (!after.contains(v)) {
                    unindex(index, v, k);
                }
            }
        });
        return old;
    }

    private ObjectNode remove(String k) {
        ObjectNode old = store.remove(k);
        unindex(k, old);
        return old;
    }

    private void unindex(String k, ObjectNode old) {
        if (old == null) {
            return;
        }
        indexers.forEach((name, values) -> values.apply(old).forEach(v -> unindex(indexes.get(name), v, k)));
    }

    private static void unindex(Map<String, Set<String>> index, String value, String k) {
        index.computeIfPresent(value, (x, keys) -> {
            keys.remove(k);
            return keys.isEmpty() ? null : keys;
        });
    }

    /** Adds a handler; add handlers before {@link #start()} so none misses the first objects. */
    public Informer addHandler(Handler handler) {
        handlers.add(handler);
        return this;
    }

    public Informer start() {
        projection = keptFields();
        running = true;
        thread = Thread.ofVirtual().name("informer " + type.groupResource()).start(this::run);
        return this;
    }

    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    /** Waits for the first list to be in the store; false on timeout. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The cached object (a shared tree: do not modify it). */
    public Optional<ObjectNode> get(String objectNamespace, String name) {
        return Optional.ofNullable(store.get(key(objectNamespace, name)));
    }

    /** All cached objects (shared trees: do not modify them). */
    public List<ObjectNode> list() {
        return new ArrayList<>(store.values());
    }

    public static String key(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    public static String key(ObjectNode object) {
        return key(object.path("metadata").path("namespace").asText(""), object.path("metadata").path("name").asText());
    }

    private void run() {
        long backoff = 100;
        String resourceVersion = null;
        while (running) {
            try {
                if (resourceVersion == null) {
                    resourceVersion = relist();
                    synced.countDown();
                }
                resourceVersion = watchUntilEnd(resourceVersion);
                backoff = 100;
            } catch (ApiException e) {
                LOG.debug("informer {}: {}", type.groupResource(), e.getMessage());
                resourceVersion = null;
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("informer {} failed: {}", type.groupResource(), e.toString());
                resourceVersion = null;
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** Lists, replaces the store, and tells handlers what changed since the last known state. */
    private String relist() {
        ObjectList list = client.list(type, namespace, query);
        Map<String, ObjectNode> fresh = new HashMap<>();
        for (ObjectNode o : list.items()) {
            fresh.put(key(o), transform(o));
        }
        for (Map.Entry<String, ObjectNode> e : fresh.entrySet()) {
            ObjectNode old = put(e.getKey(), e.getValue());
            if (old == null) {
                handlers.forEach(h -> h.onAdd(e.getValue()));
            } else if (!old.path("metadata").path("resourceVersion").equals(
                    e.getValue().path("metadata").path("resourceVersion"))) {
                handlers.forEach(h -> h.onUpdate(old, e.getValue()));
            }
        }
        for (String k : new ArrayList<>(store.keySet())) {
            if (!fresh.containsKey(k)) {
                ObjectNode gone = remove(k);
                handlers.forEach(h -> h.onDelete(gone));
            }
        }
        return list.resourceVersion();
    }

    /** Follows a watch until it ends; returns the version to continue from, or null to list again. */
    private String watchUntilEnd(String fromVersion) throws InterruptedException {
        LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
        String[] last = {fromVersion};
        watch = client.watch(type, namespace, query.from(fromVersion), new WatchListener() {
            @Override
            public Projection projection() {
                return projection;
            }

            @Override
            public void onEvent(EventType eventType, ObjectNode received) {
                last[0] = received.path("metadata").path("resourceVersion").asText(last[0]);
                if (eventType == EventType.BOOKMARK) {
                    return;
                }
                ObjectNode object = transform(received);
                // in-process watches hand the same object to every informer of the kind: write only what differs
                if (!type.apiVersion().equals(object.path("apiVersion").asText())) {
                    object.put("apiVersion", type.apiVersion());
                }
                if (!type.kind().equals(object.path("kind").asText())) {
                    object.put("kind", type.kind());
                }
                String k = key(object);
                switch (eventType) {
                    case ADDED, MODIFIED -> {
                        ObjectNode old = put(k, object);
                        if (old == null) {
                            handlers.forEach(h -> h.onAdd(object));
                        } else {
                            handlers.forEach(h -> h.onUpdate(old, object));
                        }
                    }
                    case DELETED -> {
                        ObjectNode old = remove(k);
                        handlers.forEach(h -> h.onDelete(old != null ? old : object));
                    }
                    default -> {
                    }
                }
            }

            @Override
            public void onClose(boolean expired, Throwable cause) {
                done.add(expired || cause != null ? Boolean.FALSE : Boolean.TRUE);
            }
        });
        boolean clean = (Boolean) done.take();
        return clean && running ? last[0] : null;
    }

    @Override
    public void close() {
        running = false;
        WatchHandle w = watch;
        if (w != null) {
            w.close();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
