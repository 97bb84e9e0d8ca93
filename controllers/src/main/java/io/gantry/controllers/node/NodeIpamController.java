package io.gantry.controllers.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.client.EventRecorder;
import io.gantry.client.Informer;
import io.gantry.client.PatchKind;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.SharedInformers;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Gives every node a podCIDR cut from the cluster CIDR (kube-controller-manager's node IPAM with the range
 * allocator): the node agent hands its pods addresses from it. A node that already has one keeps it; a deleted
 * node's range is freed; when none is left the node gets a CIDRNotAvailable event. Simulated nodes (label
 * {@code gantry.io/simulated=true}) get none: they run nothing and hand out made-up addresses, and thousands of
 * them would exhaust any cluster CIDR. Without a cluster CIDR it allocates nothing.
 */
public final class NodeIpamController extends Controller {
    static final String SIMULATED_LABEL = "gantry.io/simulated";

    private final ControllerManager.Term term;
    private final Informer nodes;
    private final EventRecorder events;
    private final CidrSet cidrs;
    /** What each node was seen holding, so a deleted node's range can be freed. */
    private final Map<String, String> held = new HashMap<>();
    private boolean primed;

    public NodeIpamController(ControllerManager.Term term) {
        super("nodeipam", 1, term.clock());
        this.term = term;
        this.events = term.events();
        String clusterCidr = term.config().clusterCidr();
        this.cidrs = clusterCidr == null || clusterCidr.isBlank() ? null
                : new CidrSet(clusterCidr, term.config().nodeCidrMaskSize());
        this.nodes = term.informers().informer(SharedInformers.NODES);
        nodes.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode node) {
                enqueue(Meta.name(node));
            }

            @Override
            public void onUpdate(ObjectNode oldNode, ObjectNode newNode) {
                if (podCidr(newNode).isEmpty() || !podCidr(newNode).equals(podCidr(oldNode))) {
                    enqueue(Meta.name(newNode));
                }
            }

            @Override
            public void onDelete(ObjectNode node) {
                enqueue(Meta.name(node));
            }
        });
    }

    /** Throws an IllegalArgumentException saying what is wrong with a cluster CIDR and node mask size. */
    public static void validate(String clusterCidr, int nodeCidrMaskSize) {
        new CidrSet(clusterCidr, nodeCidrMaskSize);
    }

    private static String podCidr(ObjectNode node) {
        return node.path("spec").path("podCIDR").asText("");
    }

    @Override
    protected void reconcile(String name) {
        if (cidrs == null) {
            return;
        }
        if (!primed) {
            // every range in use is known before the first one is handed out
            for (ObjectNode node : nodes.list()) {
                String cidr = podCidr(node);
                if (!cidr.isEmpty() && cidrs.occupy(cidr)) {
                    held.put(Meta.name(node), cidr);
                }
            }
            primed = true;
        }
        Optional<ObjectNode> found = nodes.get("", name);
        if (found.isEmpty()) {
            String freed = held.remove(name);
            if (freed != null) {
                cidrs.release(freed);
            }
            return;
        }
        ObjectNode node = found.get();
        String cidr = podCidr(node);
        if (!cidr.isEmpty()) {
            if (cidrs.occupy(cidr)) {
                held.put(name, cidr);
            }
            return;
        }
        if ("true".equals(node.path("metadata").path("labels").path(SIMULATED_LABEL).asText())) {
            return;
        }
        Optional<String> allocated = cidrs.allocate();
        if (allocated.isEmpty()) {
            events.event(node, EventRecorder.WARNING, "CIDRNotAvailable",
                    "Node " + name + " status is now: CIDRNotAvailable");
            return;
        }
        ObjectNode spec = Json.object().put("podCIDR", allocated.get());
        spec.putArray("podCIDRs").add(allocated.get());
        try {
            term.client().patchWithoutResult(SharedInformers.NODES, "", name, "", PatchKind.MERGE,
                    Json.object().set("spec", spec));
            held.put(name, allocated.get());
        } catch (ApiException e) {
            cidrs.release(allocated.get());
            // 422: the node has a range already, and this cache has not seen it yet (its pod range cannot change
            // once set); the update on its way brings it here, and the range is marked used then
            if (e.code() != 404 && e.code() != 422) {
                throw e;
            }
        }
    }
}
