package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.FieldNames;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.store.ConflictException;
import io.gantry.store.KeyExistsException;
import io.gantry.store.KeyNotFoundException;
import io.gantry.store.KeyValue;
import io.gantry.store.ListResult;
import io.gantry.store.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Typed access to API objects in the {@link Store}. The resourceVersion is never stored inside the JSON: it is
 * the store revision of the object's last change, filled in on every read, as Kubernetes does with etcd.
 */
public final class ObjectStorage {
    private static final int MAX_UPDATE_ATTEMPTS = 32;
    /**
     * The names of the cache's trees, shared by all of them. Bounded by what a cluster's kinds name (a few
     * thousand schema fields) with room for the keys that come as data.
     */
    private static final int FIELD_NAMES = 32_768;
    private final Store store;
    private final CachedObjects cached;
    private final FieldNames fieldNames = new FieldNames(FIELD_NAMES);

    public ObjectStorage(Store store) {
        this(store, CachedObjects.NONE);
    }

    public ObjectStorage(Store store, CachedObjects cached) {
        this.store = store;
        this.cached = cached;
    }

    public Store store() {
        return store;
    }

    public Optional<StoredObject> get(ResourceType type, String namespace, String name) {
        return store.get(ObjectKeys.key(type, namespace, name)).map(ObjectStorage::decode);
    }

    /**
     * The object to start an update from: the cached state when there is one (a private copy, possibly stale, so
     * the update's compare-and-swap decides), else the store's.
     */
    public Optional<StoredObject> getForUpdate(ResourceType type, String namespace, String name) {
        return getFromCache(type, namespace, name, CachedTrees::privateCopy);
    }

    /**
     * Like {@link #getForUpdate}, for a status write: only the root and metadata of a cached copy are the caller's
     * own, the rest is the cache's and must not be changed ({@link CachedTrees#statusWriteCopy}).
     */
    public Optional<StoredObject> getForStatusWrite(ResourceType type, String namespace, String name) {
        return getFromCache(type, namespace, name, CachedTrees::statusWriteCopy);
    }

    /**
     * Like {@link #getForUpdate}, for changes that never look at managedFields (a binding, a finalizer removed):
     * the cached tree itself, which the caller reads and copies before changing, so that managedFields stay the
     * raw JSON the cache holds, copied and written back as they are. In a pod they are most of the tree, so this
     * spares parsing, copying, comparing and serializing them again.
     */
    private Optional<StoredObject> getForMutation(ResourceType type, String namespace, String name) {
        return getFromCache(type, namespace, name, UnaryOperator.identity());
    }

    private Optional<StoredObject> getFromCache(ResourceType type, String namespace, String name,
                                                UnaryOperator<ObjectNode> copy) {
        String key = ObjectKeys.key(type, namespace, name);
        Optional<ObjectNode> hit = cached.get(type, key);
        if (hit.isPresent()) {
            String version = hit.get().path("metadata").path("resourceVersion").asText("");
            try {
                return Optional.of(new StoredObject(key, copy.apply(hit.get()), Long.parseLong(version)));
            } catch (NumberFormatException e) {
                // not a stored version: read the store
            }
        }
        return get(type, namespace, name);
    }

    public Written createWritten(ResourceType type, ObjectNode object) {
        String key = keyOf(type, object);
        try {
            EncodedObject encoded = encodeForCache(type, key, object, false);
            long revision = write(type, key, encoded, () -> store.create(key, encoded.stored()));
            return Written.stored(withVersion(object, revision), encoded.stored(), revision);
        } catch (KeyExistsException e) {
            throw ApiException.alreadyExists(type, Meta.name(object));
        }
    }

    /** Replaces an object last changed at {@code expectedRevision}; 409 Conflict if it changed since. */
    public ObjectNode update(ResourceType type, ObjectNode object, long expectedRevision) {
        return updateWritten(type, object, expectedRevision).object();
    }

    public Written updateWritten(ResourceType type, ObjectNode object, long expectedRevision) {
        String key = keyOf(type, object);
        try {
            EncodedObject encoded = encodeForCache(type, key, object, true);
            long revision = write(type, key, encoded, () -> store.update(key, encoded.stored(), expectedRevision));
            return Written.stored(withVersion(object, revision), encoded.stored(), revision);
        } catch (ConflictException e) {
            throw ApiException.conflict(type, Meta.name(object));
        } catch (KeyNotFoundException e) {
            throw ApiException.notFound(type, Meta.name(object));
        }
    }

    /**
     * The stored JSON, and the cache's tree when the cache takes one. An update's tree keeps the parts that are the
     * cached version's own nodes (a status write's spec): they are read only, and copying them again was most of
     * the copy.
     */
    private EncodedObject encodeForCache(ResourceType type, String key, ObjectNode object, boolean update) {
        if (!cached.takesWrittenTrees()) {
            return EncodedObject.withoutTree(object);
        }
        ObjectNode previous = update ? cached.get(type, key).orElse(null) : null;
        return EncodedObject.withTree(object, fieldNames, previous);
    }

    /** One store write, announced to the cache first: the store may report it before the write returns. */
    private long write(ResourceType type, String key, EncodedObject encoded, StoreWrite write) {
        if (encoded.cacheTree() == null) {
            return write.revision();
        }
        cached.expectWrite(type, key, encoded);
        boolean written = false;
        try {
            long revision = write.revision();
            written = true;
            return revision;
        } finally {
            if (!written) {
                cached.writeFailed(type, key, encoded);
            }
        }
    }

    @FunctionalInterface
    private interface StoreWrite {
        long revision();
    }

    /** Removes an object last changed at {@code expectedRevision} (0: whatever its revision). */
    public void delete(ResourceType type, String namespace, String name, long expectedRevision) {
        try {
            store.delete(ObjectKeys.key(type, namespace, name), expectedRevision);
        } catch (ConflictException e) {
            throw ApiException.conflict(type, name);
        } catch (KeyNotFoundException e) {
            throw ApiException.notFound(type, name);
        }
    }

    /**
     * Reads, changes and writes back an object, retrying when another writer got there first. The mutation
     * sees a fresh copy each attempt; returning the same object unchanged skips the write. It must leave
     * {@code metadata.managedFields} alone: in a copy from the cache they are raw JSON (see
     * {@link #getForMutation}), and this write records no field ownership.
     */
    public ObjectNode guaranteedUpdate(ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> mutation) {
        return guaranteedUpdate(type, namespace, name, ObjectNode::deepCopy, mutation);
    }

    /**
     * Like {@link #guaranteedUpdate(ResourceType, String, String, UnaryOperator)}, where the mutation changes only
     * what {@code copy} makes its own of the current object and leaves the rest, shared with the current object
     * (possibly the watch cache's tree), as it is: the cache's tree of the new version keeps those nodes instead of
     * copies. The copy's root and metadata must be its own, whatever the mutation does: the write sets the
     * resourceVersion there. A binding, which sets a field of spec and a condition, also needs spec's top level and
     * the status of its own.
     */
    public ObjectNode guaranteedUpdate(ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> copy,
                                       UnaryOperator<ObjectNode> mutation) {
        for (int attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
            StoredObject current = (attempt == 0 ? getForMutation(type, namespace, name) : get(type, namespace, name))
                    .orElseThrow(() -> ApiException.notFound(type, name));
            // current may be the cache's own tree (see getForMutation): it stays as read, the mutation gets a copy
            ObjectNode before = current.object();
            ObjectNode changed = mutation.apply(copy.apply(before));
            if (changed.equals(before)) {
                if (attempt == 0) {
                    continue; // "nothing to do" may come from a stale cached copy: ask the store
                }
                return before;
            }
            try {
                return update(type, changed, current.revision());
            } catch (ApiException e) {
                if (e.code() != 409) {
                    throw e;
                }
            }
        }
        throw ApiException.conflict(type, name);
    }

    public ObjectPage list(ResourceType type, String namespace, long revision, String startAfter, int limit) {
        ListResult result = store.list(ObjectKeys.prefix(type, namespace), revision, startAfter, limit);
        String lastKey = result.items().isEmpty() ? startAfter : result.items().get(result.items().size() - 1).key();
        return new ObjectPage(result.items(), result.revision(), result.more(), lastKey);
    }

    public static StoredObject decode(KeyValue kv) {
        ObjectNode object = Json.parseObject(kv.value());
        return new StoredObject(kv.key(), withVersion(object, kv.modRevision()), kv.modRevision());
    }

    public static ObjectNode decode(byte[] value, long revision) {
        return withVersion(Json.parseObject(value), revision);
    }

    /** An object as it is stored: its JSON without metadata.resourceVersion (which is the store's revision). */
    public static byte[] encode(ObjectNode object) {
        return Json.bytes(EncodedObject.storedForm(object, false));
    }

    private static ObjectNode withVersion(ObjectNode object, long revision) {
        Meta.metadata(object).put("resourceVersion", Long.toString(revision));
        return object;
    }

    private static String keyOf(ResourceType type, ObjectNode object) {
        return ObjectKeys.key(type, Meta.namespace(object), Meta.name(object));
    }
}
