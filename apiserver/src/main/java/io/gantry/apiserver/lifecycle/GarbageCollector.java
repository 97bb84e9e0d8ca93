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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deletes objects whose owners are gone, following ownerReferences as Kubernetes' garbage collector does:
 * <ul>
 *   <li>background: once every owner of an object is gone, the object is deleted;</li>
 *   <li>foreground: an owner marked with the {@code foregroundDeletion} finalizer first has its dependents
 *       deleted (themselves in foreground, so chains go bottom-up), then loses the finalizer and goes;</li>
 *   <li>orphan: an owner marked with the {@code orphan} finalizer has its references removed from its
 *       dependents, then loses the finalizer.</li>
 * </ul>
 * Each pass looks at the whole cached state (level-triggered); an owner is only taken for gone after a live
 * read confirms it, since a just-created owner may not be in the cache yet.
 */
public final class GarbageCollector extends ReconcileLoop {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    private final ObjectService service;
    private final WatchCaches caches;

    public GarbageCollector(ObjectService service, WatchCaches caches) {
        super("garbage-collector", Duration.ofMillis(50), Duration.ofSeconds(30));
        this.service = service;
        this.caches = caches;
        for (ResourceType type : service.registry().all()) {
            caches.get(type).addListener(this::observe);
        }
    }

    /** UIDs that some object names as its owner, so the deletion of any other object needs no pass. */
    private final Set<String> referencedOwners = ConcurrentHashMap.newKeySet();

    /** Wakes the collector only for changes that can matter to it; plain writes cost one look at the object. */
    private void observe(CacheEvent event) {
        JsonNode refs = event.object().path("metadata").path("ownerReferences");
        refs.forEach(r -> referencedOwners.add(r.path("uid").asText()));
        boolean relevant = refs.size() > 0
                || (event.previous() != null && event.previous().path("metadata").path("ownerReferences").size() > 0)
                || Meta.hasFinalizer(event.object(), Finalizers.FOREGROUND)
                || Meta.hasFinalizer(event.object(), Finalizers.ORPHAN)
                || (event.type() == CacheEvent.Type.DELETED && referencedOwners.contains(Meta.uid(event.object())));
        if (relevant) {
            changed();
        }
    }

    public void begin() {
        start();
    }

    private record Node(ResourceType type, ObjectNode object) {
    }

    @Override
    void reconcile() {
        Map<String, Node> byUid = new HashMap<>();
        Set<String> owners = new HashSet<>();
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
                deps.forEach(d -> removeOwnerReference(d, Meta.uid(owner.object())));
                removeFinalizer(owner, Finalizers.ORPHAN);
            } else if (Meta.hasFinalizer(owner.object(), Finalizers.FOREGROUND)) {
                if (deps.isEmpty()) {
                    removeFinalizer(owner, Finalizers.FOREGROUND);
                } else {
                    deps.stream().filter(d -> !Meta.deleting(d.object()))
                            .forEach(d -> delete(d, DeleteOptions.Propagation.FOREGROUND));
                }
            }
        }
        referencedOwners.retainAll(owners);
        for (Map.Entry<String, List<Node>> entry : dependents.entrySet()) {
            if (byUid.containsKey(entry.getKey())) {
                continue;
            }
            for (Node dependent : entry.getValue()) {
                collectOrphaned(dependent, byUid);
            }
        }
    }

    /** A dependent with a missing owner: delete it if no owner remains, else drop the dangling reference. */
    private void collectOrphaned(Node dependent, Map<String, Node> byUid) {
        if (Meta.deleting(dependent.object())) {
            return;
        }
        boolean anyOwnerLeft = false;
        List<String> gone = new ArrayList<>();
        for (JsonNode ref : dependent.object().path("metadata").path("ownerReferences")) {
            String uid = ref.path("uid").asText();
            if (byUid.containsKey(uid) || ownerExists(ref, Meta.namespace(dependent.object()))) {
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
