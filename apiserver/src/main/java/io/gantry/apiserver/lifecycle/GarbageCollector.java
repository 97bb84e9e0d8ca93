package io.gantry.apiserver.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.DeleteOptions;
import io.gantry.apiserver.rest.Finalizers;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.storage.Meta;
import io.gantry.apiserver.storage.ObjectKeys;
import io.gantry.apiserver.storage.StoredObject;
import io.gantry.apiserver.watch.CacheEvent;
import io.gantry.apiserver.watch.WatchCaches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Deletes objects whose owners are gone, following ownerReferences as Kubernetes' garbage collector does:
 * <ul>
 *   <li>background: once every owner of an object is gone, the object is deleted;</li>
 *   <li>foreground: an owner marked with the {@code foregroundDeletion} finalizer first has its dependents
 *       deleted (themselves in foreground, so chains go bottom-up), then loses the finalizer and goes;</li>
 *   <li>orphan: an owner marked with the {@code orphan} finalizer has its references removed from its
 *       dependents, then loses the finalizer.</li>
 * </ul>
 * Most changes need no work at all: a status write or a Lease renewal leaves an object's owners as they were.
 * A new object with owners, or one whose owners changed, is checked on its own (are its owners there?). A
 * pass over the whole cached state (level-triggered) runs for the rare changes that can affect many objects
 * at once (an owner deleted, or marked for orphan or foreground deletion, or a dependent of such an owner
 * deleted) and every resync period as a safety net. An owner is only taken for gone after a live read
 * confirms it, since a just-created owner may not be in the cache yet.
 */
public final class GarbageCollector extends ReconcileLoop {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    private static final Duration RESYNC = Duration.ofSeconds(30);
    private final ObjectService service;
    private final WatchCaches caches;
    /** UIDs that some object names as its owner, so the deletion of any other object needs no pass. */
    private final Set<String> referencedOwners = ConcurrentHashMap.newKeySet();
    /** UIDs of owners being deleted that wait for the collector (orphan or foreground finalizer). */
    private final Set<String> waitingOwners = ConcurrentHashMap.newKeySet();
    private final Queue<Ref> dependentsToCheck = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean fullPassNeeded = new AtomicBoolean(true);
    private long lastFullPass = System.nanoTime();

    public GarbageCollector(ObjectService service, WatchCaches caches) {
        super("garbage-collector", Duration.ofMillis(50), RESYNC);
        this.service = service;
        this.caches = caches;
        for (ResourceType type : service.registry().all()) {
            caches.get(type).addListener(event -> observe(type, event));
        }
    }

    /** One object by identity; the uid tells a re-created object of the same name apart. */
    private record Ref(ResourceType type, String namespace, String name, String uid) {
    }

    /**
     * Decides, from one change alone, what work it makes: none, a check of this one object, or a full pass.
     * Runs on the watch caches' threads under their locks, so it must not look into any other cache.
     */
    private void observe(ResourceType type, CacheEvent event) {
        ObjectNode object = event.object();
        JsonNode refs = object.path("metadata").path("ownerReferences");
        refs.forEach(r -> referencedOwners.add(r.path("uid").asText()));
        String uid = Meta.uid(object);
        boolean waiting = Meta.deleting(object)
                && (Meta.hasFinalizer(object, Finalizers.FOREGROUND) || Meta.hasFinalizer(object, Finalizers.ORPHAN));
        boolean full = false;
        boolean check = false;
        switch (event.type()) {
            case DELETED -> {
                waitingOwners.remove(uid);
                full = referencedOwners.contains(uid) || anyOwnerWaiting(refs);
            }
            case ADDED -> {
                check = refs.size() > 0;
                full = waiting && waitingOwners.add(uid);
            }
            case MODIFIED -> {
                JsonNode previousRefs = event.previous().path("metadata").path("ownerReferences");
                boolean refsChanged = !refs.equals(previousRefs);
                check = refsChanged && refs.size() > 0;
                // a dependent of a foreground deletion that lets go of its owner unblocks that owner
                full = (waiting && waitingOwners.add(uid)) || (refsChanged && anyOwnerWaiting(previousRefs));
            }
        }
        if (full) {
            fullPassNeeded.set(true);
            changed();
        } else if (check) {
            dependentsToCheck.add(new Ref(type, Meta.namespace(object), Meta.name(object), uid));
            changed();
        }
    }

    private boolean anyOwnerWaiting(JsonNode refs) {
        for (JsonNode r : refs) {
            if (waitingOwners.contains(r.path("uid").asText())) {
                return true;
            }
        }
        return false;
    }

    public void begin() {
        start();
    }

    private record Node(ResourceType type, ObjectNode object) {
    }

    @Override
    void reconcile() {
        boolean resyncDue = System.nanoTime() - lastFullPass >= RESYNC.toNanos();
        if (fullPassNeeded.getAndSet(false) || resyncDue) {
            dependentsToCheck.clear();
            lastFullPass = System.nanoTime();
            fullPass();
            return;
        }
        for (Ref r = dependentsToCheck.poll(); r != null; r = dependentsToCheck.poll()) {
            Optional<ObjectNode> current = caches.get(r.type()).get(ObjectKeys.key(r.type(), r.namespace(), r.name()));
            if (current.isPresent() && r.uid().equals(Meta.uid(current.get()))) {
                collectOrphaned(new Node(r.type(), current.get()), this::ownerCached);
            }
        }
    }

    /** The owner is in the watch cache with the referenced uid. */
    private boolean ownerCached(JsonNode ref, String namespace) {
        Optional<ResourceType> type = service.registry().byKind(ref.path("apiVersion").asText(), ref.path("kind").asText());
        if (type.isEmpty()) {
            return true;
        }
        String ns = type.get().namespaced() ? namespace : "";
        return caches.get(type.get()).get(ObjectKeys.key(type.get(), ns, ref.path("name").asText()))
                .map(o -> ref.path("uid").asText().equals(Meta.uid(o)))
                .orElse(false);
    }

    private void fullPass() {
        Map<String, Node> byUid = new HashMap<>();
        Set<String> owners = new HashSet<>();
        Set<String> waiting = new HashSet<>();
        Map<String, List<Node>> dependents = new HashMap<>();
        for (ResourceType type : service.registry().all()) {
            for (ObjectNode o : caches.get(type).snapshot()) {
                Node node = new Node(type, o);
                byUid.put(Meta.uid(o), node);
                for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
                    dependents.computeIfAbsent(ref.path("uid").asText(), k -> new ArrayList<>()).add(node);
                    owners.add(ref.path("uid").asText());
                }
            }
        }
        for (Node owner : byUid.values()) {
            if (!Meta.deleting(owner.object())) {
                continue;
            }
            List<Node> deps = dependents.getOrDefault(Meta.uid(owner.object()), List.of());
            if (Meta.hasFinalizer(owner.object(), Finalizers.ORPHAN)) {
                waiting.add(Meta.uid(owner.object()));
                deps.forEach(d -> removeOwnerReference(d, Meta.uid(owner.object())));
                removeFinalizer(owner, Finalizers.ORPHAN);
            } else if (Meta.hasFinalizer(owner.object(), Finalizers.FOREGROUND)) {
                waiting.add(Meta.uid(owner.object()));
                if (deps.isEmpty()) {
                    removeFinalizer(owner, Finalizers.FOREGROUND);
                } else {
                    deps.stream().filter(d -> !Meta.deleting(d.object()))
                            .forEach(d -> delete(d, DeleteOptions.Propagation.FOREGROUND));
                }
            }
        }
        referencedOwners.retainAll(owners);
        // owners added since the snapshot are re-added by their events; keep them
        waitingOwners.addAll(waiting);
        for (Map.Entry<String, List<Node>> entry : dependents.entrySet()) {
            if (byUid.containsKey(entry.getKey())) {
                continue;
            }
            for (Node dependent : entry.getValue()) {
                collectOrphaned(dependent, (ref, namespace) -> byUid.containsKey(ref.path("uid").asText()));
            }
        }
    }

    /** Whether an owner reference is known to resolve without a live read. */
    private interface OwnerLookup {
        boolean known(JsonNode ref, String namespace);
    }

    /** A dependent with a missing owner: delete it if no owner remains, else drop the dangling reference. */
    private void collectOrphaned(Node dependent, OwnerLookup known) {
        if (Meta.deleting(dependent.object())) {
            return;
        }
        boolean anyOwnerLeft = false;
        List<String> gone = new ArrayList<>();
        for (JsonNode ref : dependent.object().path("metadata").path("ownerReferences")) {
            String uid = ref.path("uid").asText();
            String namespace = Meta.namespace(dependent.object());
            if (known.known(ref, namespace) || ownerExists(ref, namespace)) {
                anyOwnerLeft = true;
            } else {
                gone.add(uid);
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        if (anyOwnerLeft) {
            gone.forEach(uid -> removeOwnerReference(dependent, uid));
        } else {
            delete(dependent, DeleteOptions.Propagation.BACKGROUND);
        }
    }

    private boolean ownerExists(JsonNode ref, String namespace) {
        Optional<ResourceType> type = service.registry().byKind(ref.path("apiVersion").asText(), ref.path("kind").asText());
        if (type.isEmpty()) {
            // An owner of a kind this server does not serve cannot be checked; keep the dependent.
            return true;
        }
        String ns = type.get().namespaced() ? namespace : "";
        Optional<StoredObject> live = service.storage().get(type.get(), ns, ref.path("name").asText());
        return live.isPresent() && ref.path("uid").asText().equals(Meta.uid(live.get().object()));
    }

    private void delete(Node node, DeleteOptions.Propagation propagation) {
        try {
            service.delete(node.type(), Meta.namespace(node.object()), Meta.name(node.object()),
                    new DeleteOptions(null, propagation, Meta.uid(node.object()), null, false));
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                LOG.warn("garbage collector could not delete {}/{}: {}", node.type().groupResource(),
                        Meta.name(node.object()), e.getMessage());
            }
        }
    }

    private void removeFinalizer(Node node, String finalizer) {
        service.removeFinalizer(node.type(), Meta.namespace(node.object()), Meta.name(node.object()), finalizer);
    }

    private void removeOwnerReference(Node node, String ownerUid) {
        try {
            service.storage().guaranteedUpdate(node.type(), Meta.namespace(node.object()), Meta.name(node.object()), o -> {
                JsonNode refs = o.path("metadata").path("ownerReferences");
                ArrayNode kept = o.arrayNode();
                refs.forEach(r -> {
                    if (!ownerUid.equals(r.path("uid").asText())) {
                        kept.add(r);
                    }
                });
                if (kept.isEmpty()) {
                    Meta.metadata(o).remove("ownerReferences");
                } else {
                    Meta.metadata(o).set("ownerReferences", kept);
                }
                return o;
            });
        } catch (ApiException e) {
            if (e.code() != 404) {
                throw e;
            }
        }
    }
}
