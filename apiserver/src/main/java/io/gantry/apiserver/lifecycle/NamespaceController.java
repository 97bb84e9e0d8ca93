package io.gantry.apiserver.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.DeleteOptions;
import io.gantry.apiserver.rest.Finalizers;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.storage.Meta;
import io.gantry.apiserver.watch.WatchCache;
import io.gantry.apiserver.watch.WatchCaches;

import java.time.Duration;

/**
 * Empties terminating namespaces: deletes every object in them, and once nothing is left clears the
 * {@code kubernetes} finalizer so the namespace itself goes away.
 */
public final class NamespaceController extends ReconcileLoop {
    private final ObjectService service;
    private final WatchCaches caches;
    private final ResourceType namespaceType;

    public NamespaceController(ObjectService service, WatchCaches caches) {
        super("namespace-controller", Duration.ofMillis(50), Duration.ofSeconds(2));
        this.service = service;
        this.caches = caches;
        this.namespaceType = service.registry().byKind("v1", "Namespace").orElseThrow();
        caches.get(namespaceType).addListener(e -> changed());
    }

    public void begin() {
        start();
    }

    @Override
    void reconcile() {
        for (ObjectNode ns : caches.get(namespaceType).snapshot()) {
            if (Meta.deleting(ns) && hasContentsFinalizer(ns)) {
                drain(Meta.name(ns));
            }
        }
    }

    private static boolean hasContentsFinalizer(ObjectNode ns) {
        for (JsonNode f : ns.path("spec").path("finalizers")) {
            if (Finalizers.NAMESPACE_CONTENTS.equals(f.asText())) {
                return true;
            }
        }
        return false;
    }

    private void drain(String namespace) {
        boolean empty = true;
        for (ResourceType type : service.registry().all()) {
            if (!type.namespaced()) {
                continue;
            }
            WatchCache cache = caches.get(type);
            for (ObjectNode o : cache.snapshot()) {
                if (!namespace.equals(Meta.namespace(o))) {
                    continue;
                }
                empty = false;
                if (!Meta.deleting(o)) {
                    try {
                        service.delete(type, namespace, Meta.name(o),
                                DeleteOptions.defaults().withPropagation(DeleteOptions.Propagation.BACKGROUND));
                    } catch (ApiException e) {
                        if (e.code() != 404) {
                            throw e;
                        }
                    }
                }
            }
        }
        if (empty) {
            finalizeNamespace(namespace);
        } else {
            changed();
        }
    }

    private void finalizeNamespace(String namespace) {
        try {
            ObjectNode updated = service.storage().guaranteedUpdate(namespaceType, "", namespace, ns -> {
                var kept = Json.MAPPER.createArrayNode();
                ns.path("spec").path("finalizers").forEach(f -> {
                    if (!Finalizers.NAMESPACE_CONTENTS.equals(f.asText())) {
                        kept.add(f);
                    }
                });
                ns.with("spec").set("finalizers", kept);
                return ns;
            });
            if (updated.path("spec").path("finalizers").isEmpty() && !Meta.hasFinalizers(updated)) {
                service.storage().delete(namespaceType, "", namespace, Meta.resourceVersion(updated));
            }
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
            changed();
        }
    }
}
