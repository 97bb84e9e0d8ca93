package io.gantry.controllers.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.client.Informer;
import io.gantry.client.PatchKind;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.SharedInformers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The built-in load balancer for {@code type: LoadBalancer} Services (in the manner of k3s' ServiceLB): every
 * node's service proxy takes the service's port on the node's addresses, so the Service's
 * {@code status.loadBalancer.ingress} lists the InternalIPs of the Ready nodes that run real pods, kept current
 * as nodes come and go. A Service that names a {@code loadBalancerClass} belongs to another implementation and
 * is left alone; one that is no longer a LoadBalancer loses its ingress.
 */
public final class LoadBalancerController extends Controller {
    static final String SIMULATED_LABEL = "gantry.io/simulated";

    private final ControllerManager.Term term;
    private final Informer services;
    private final Informer nodes;

    public LoadBalancerController(ControllerManager.Term term) {
        super("service-lb", 1, term.clock());
        this.term = term;
        this.services = term.informers().informer(SharedInformers.SERVICES);
        this.nodes = term.informers().informer(SharedInformers.NODES);
        services.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode service) {
                enqueue(Meta.key(service));
            }

            @Override
            public void onUpdate(ObjectNode oldService, ObjectNode newService) {
                enqueue(Meta.key(newService));
            }
        });
        nodes.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode node) {
                enqueueLoadBalancers();
            }

            @Override
            public void onUpdate(ObjectNode oldNode, ObjectNode newNode) {
                if (!ingressOf(oldNode).equals(ingressOf(newNode))) {
                    enqueueLoadBalancers();
                }
            }

            @Override
            public void onDelete(ObjectNode node) {
                enqueueLoadBalancers();
            }
        });
    }

    private void enqueueLoadBalancers() {
        for (ObjectNode service : services.list()) {
            if (isLoadBalancer(service)) {
                enqueue(Meta.key(service));
            }
        }
    }

    private static boolean isLoadBalancer(JsonNode service) {
        return service.path("spec").path("type").asText("").equals("LoadBalancer")
                && service.path("spec").path("loadBalancerClass").asText("").isEmpty();
    }

    @Override
    protected void reconcile(String key) {
        int slash = key.indexOf('/');
        Optional<ObjectNode> found = services.get(key.substring(0, slash), key.substring(slash + 1));
        if (found.isEmpty() || !found.get().path("spec").path("loadBalancerClass").asText("").isEmpty()) {
            return;
        }
        ObjectNode service = found.get();
        ArrayNode desired = Json.MAPPER.createArrayNode();
        if (isLoadBalancer(service)) {
            nodes.list().stream().map(LoadBalancerController::ingressOf).flatMap(Optional::stream).sorted()
                    .forEach(ip -> desired.addObject().put("ip", ip).put("ipMode", "VIP"));
        }
        JsonNode current = service.path("status").path("loadBalancer").path("ingress");
        if (desired.equals(current) || desired.isEmpty() && (current.isMissingNode() || current.isEmpty())) {
            return;
        }
        ObjectNode loadBalancer = Json.object();
        if (desired.isEmpty()) {
            loadBalancer.putObject("loadBalancer").putNull("ingress"); // a merge patch's null removes the field
        } else {
            loadBalancer.putObject("loadBalancer").set("ingress", desired);
        }
        try {
            term.client().patchWithoutResult(SharedInformers.SERVICES, Meta.namespace(service), Meta.name(service),
                    "status", PatchKind.MERGE, Json.object().set("status", loadBalancer));
        } catch (ApiException e) {
            if (e.code() != 404) {
                throw e;
            }
        }
    }

    /** A node's InternalIP when it is Ready and runs real pods (with their service proxy). */
    private static Optional<String> ingressOf(JsonNode node) {
        if ("true".equals(node.path("metadata").path("labels").path(SIMULATED_LABEL).asText())) {
            return Optional.empty();
        }
        boolean ready = false;
        for (JsonNode condition : node.path("status").path("conditions")) {
            if (condition.path("type").asText().equals("Ready")) {
                ready = condition.path("status").asText().equals("True");
            }
        }
        List<String> internal = new ArrayList<>();
        for (JsonNode address : node.path("status").path("addresses")) {
            if (address.path("type").asText().equals("InternalIP")) {
                internal.add(address.path("address").asText());
            }
        }
        return ready && !internal.isEmpty() ? Optional.of(internal.getFirst()) : Optional.empty();
    }
}
