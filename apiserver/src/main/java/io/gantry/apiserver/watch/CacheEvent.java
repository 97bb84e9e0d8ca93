package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.apiserver.storage.StoredJson;

/**
 * One change of one object as the watch cache saw it. {@code object} is the new state (for DELETED the last
 * state); {@code previous} the state before (null for ADDED). Both are shared by every watcher and must not be
 * modified; the JSON encoding is computed once and reused for every watcher.
 */
public final class CacheEvent {
    public enum Type { ADDED, MODIFIED, DELETED }

    private final Type type;
    private final ObjectNode object;
    private final ObjectNode previous;
    private final long revision;
    private volatile byte[] objectJson;
    private volatile ObjectNode informerCopy;
    /** The value as stored, kept until {@link #objectJson()} has made the served JSON from it. */
    private volatile byte[] stored;

    public CacheEvent(Type type, ObjectNode object, ObjectNode previous, long revision) {
        this(type, object, previous, revision, null);
    }

    /** @param stored the object's stored JSON, which with {@code revision} makes its served JSON without encoding */
    public CacheEvent(Type type, ObjectNode object, ObjectNode previous, long revision, byte[] stored) {
        this.type = type;
        this.object = object;
        this.previous = previous;
        this.revision = revision;
        this.stored = stored;
    }

    public Type type() {
        return type;
    }

    public ObjectNode object() {
        return object;
    }

    public ObjectNode previous() {
        return previous;
    }

    public long revision() {
        return revision;
    }

    /** The object's JSON, made once for all watchers: from the stored value when there is one, else encoded. */
    public byte[] objectJson() {
        byte[] json = objectJson;
        if (json == null) {
            byte[] value = stored;
            json = value == null ? null : StoredJson.withResourceVersion(value, revision);
            if (json == null) {
                json = Json.bytes(object);
            }
            objectJson = json;
            stored = null;
        }
        return json;
    }

    /**
     * The object for in-process informers (the scheduler's and the controller manager's), made once for all of
     * them, without {@code metadata.managedFields}, which none of them reads (Kubernetes' scheduler and controller
     * manager strip it from their informers too); updates sent without managedFields keep the stored ones.
     * <p>
     * Its root and metadata are its own, everything below them is the cache's tree: they share it read-only, as
     * client-go's shared informers share objects among controllers, and copy what they change. A deep copy for
     * every event was a twentieth of the control plane's CPU with thousands of nodes, and a second tree of every
     * object kept for the garbage collector to copy. {@link SharedTreeCheck} catches a change in the tests.
     */
    public ObjectNode informerCopy() {
        ObjectNode copy = informerCopy;
        if (copy == null) {
            synchronized (this) {
                copy = informerCopy;
                if (copy == null) {
                    copy = withoutManagedFields(object);
                    informerCopy = copy;
                }
            }
        }
        return copy;
    }

    /** {@code object} without {@code metadata.managedFields}: a new root and metadata, the rest shared. */
    static ObjectNode withoutManagedFields(ObjectNode object) {
        // compact: informers keep these for as long as the objects live
        ObjectNode copy = Json.compactObject(object.size());
        object.properties().forEach(field -> {
            if (field.getKey().equals("metadata") && field.getValue() instanceof ObjectNode metadata) {
                ObjectNode metadataCopy = Json.compactObject(metadata.size());
                copy.set("metadata", metadataCopy);
                metadata.properties().forEach(m -> {
                    if (!m.getKey().equals("managedFields")) {
                        metadataCopy.set(m.getKey(), m.getValue());
                    }
                });
            } else {
                copy.set(field.getKey(), field.getValue());
            }
        });
        return copy;
    }
}
