package io.gantry.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.Informer;
import io.gantry.client.ListQuery;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One informer per kind (and namespace), shared by all controllers of a leadership term, like client-go's
 * SharedInformerFactory. Controllers ask for informers and add handlers before {@link #start()}.
 */
public final class SharedInformers implements AutoCloseable {
    public static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    public static final ResourceType PODS = type("v1", "Pod");
    public static final ResourceType NODES = type("v1", "Node");
    public static final ResourceType SERVICES = type("v1", "Service");
    public static final ResourceType ENDPOINTS = type("v1", "Endpoints");
    public static final ResourceType REPLICA_SETS = type("apps/v1", "ReplicaSet");
    public static final ResourceType DEPLOYMENTS = type("apps/v1", "Deployment");
    public static final ResourceType LEASES = type("coordination.k8s.io/v1", "Lease");
    public static final ResourceType ENDPOINT_SLICES = type("discovery.k8s.io/v1", "EndpointSlice");

    /**
     * Every informer's index of objects by the uid of their controller, or {@code orphans/<namespace>} for those
     * without one: a controller finds its own and the orphans it may adopt without scanning every object.
     */
    public static final String CONTROLLER_INDEX = "controller";
    private static final String ORPHANS_IN = "orphans/";

    /** Every informer's index of objects by namespace, as client-go's listers have it. */
    public static final String NAMESPACE_INDEX = "namespace";
    /** The pod informer's index of pods by the node they are bound to (unbound pods are not in it). */
    public static final String NODE_INDEX = "node";

    /** The cached objects of a namespace. */
    public static List<ObjectNode> inNamespace(Informer informer, String namespace) {
        return informer.byIndex(NAMESPACE_INDEX, namespace);
    }

    /** The cached pods bound to a node ({@code pods} is the pod informer). */
    public static List<ObjectNode> podsOnNode(Informer pods, String nodeName) {
        return pods.byIndex(NODE_INDEX, nodeName);
    }

    /** The cached objects controlled by the object with this uid. */
    public static List<ObjectNode> controlledBy(Informer informer, String controllerUid) {
        return informer.byIndex(CONTROLLER_INDEX, controllerUid);
    }

    /** The cached objects of a namespace that have no controller. */
    public static List<ObjectNode> orphans(Informer informer, String namespace) {
        return informer.byIndex(CONTROLLER_INDEX, ORPHANS_IN + namespace);
    }

    private final ApiClient client;
    private final Map<String, Informer> informers = new LinkedHashMap<>();
    private boolean started;

    public SharedInformers(ApiClient client) {
        this.client = client;
    }

    public static ResourceType type(String apiVersion, String kind) {
        return REGISTRY.byKind(apiVersion, kind).orElseThrow();
    }

    public synchronized Informer informer(ResourceType type) {
        return informer(type, "");
    }

    public synchronized Informer informer(ResourceType type, String namespace) {
        return informers.computeIfAbsent(type.groupResource() + "/" + namespace, k -> {
            Informer i = new Informer(client, type, namespace, ListQuery.ALL).addIndex(CONTROLLER_INDEX,
                    o -> List.of(Meta.controllerRef(o).map(r -> r.path("uid").asText())
                            .orElse(ORPHANS_IN + Meta.namespace(o))))
                    .addIndex(NAMESPACE_INDEX, o -> List.of(Meta.namespace(o)));
            if (type.equals(PODS)) {
                i.addIndex(NODE_INDEX, p -> {
                    String node = Pods.nodeName(p);
                    return node.isEmpty() ? List.of() : List.of(node);
                });
            }
            if (started) {
                i.start();
            }
            return i;
        });
    }

    public synchronized void start() {
        started = true;
        informers.values().forEach(Informer::start);
    }

    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Informer i : snapshot()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !i.awaitSynced(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    private synchronized java.util.List<Informer> snapshot() {
        return java.util.List.copyOf(informers.values());
    }

    @Override
    public void close() {
        snapshot().forEach(Informer::close);
    }
}
