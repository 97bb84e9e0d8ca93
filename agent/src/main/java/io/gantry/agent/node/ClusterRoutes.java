package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.ApiClient;
import io.gantry.client.Informer;
import io.gantry.client.ListQuery;
import io.gantry.client.PatchKind;
import io.gantry.network.ClusterNetwork;
import io.gantry.network.overlay.DirectRoutes;
import io.gantry.network.overlay.Overlay;
import io.gantry.network.overlay.OverlayPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's way to every other node's pods, kept current from the Nodes as flannel keeps it: a route per peer
 * pod range, through a VXLAN device ({@link Overlay}) or straight via the peer's address ({@link DirectRoutes},
 * host-gw). Peers are the real nodes (simulated ones run no pods) that have a pod range and an InternalIP; with
 * VXLAN also the MAC of their device, which each node publishes in its annotation {@value #VTEP_MAC}.
 *
 * <p>The VXLAN device is made when the first peer appears, so a single-node cluster has none. Routes stay when the
 * agent stops, as its pods do; a node that is deleted loses its routes on every other node.
 */
final class ClusterRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRoutes.class);
    static final String VTEP_MAC = "gantry.io/vtep-mac";
    static final String SIMULATED = "gantry.io/simulated";
    private static final Duration RESYNC = Duration.ofMinutes(1);

    private final ApiClient client;
    private final String nodeName;
    private final ClusterNetwork network;
    private final Overlay overlay;
    private final DirectRoutes direct = new DirectRoutes(null);
    private final Informer nodes;
    private final SyncLoop loop;
    private boolean deviceMade;

    /**
     * @param nodeIp  this node's address, the VXLAN device's local end
     * @param podCidr this node's pod range, whose network address the VXLAN device holds
     * @param mtu     the VXLAN device's MTU
     */
    ClusterRoutes(ApiClient client, String nodeName, String nodeIp, String podCidr, int mtu, ClusterNetwork network,
                  String bridge) {
        this.client = client;
        this.nodeName = nodeName;
        this.network = network;
        this.overlay = new Overlay(deviceName(bridge), Overlay.DEFAULT_VNI, nodeIp, podCidr, mtu, null);
        this.nodes = new Informer(client, NodeHeartbeat.NODES, "", ListQuery.ALL).withoutManagedFields();
        this.loop = new SyncLoop("cluster-routes", RESYNC, this::sync);
    }

    /** The VXLAN device of the node network on {@code bridge}, flannel.1's counterpart: "vx-" and the bridge. */
    static String deviceName(String bridge) {
        String name = "vx-" + bridge;
        return name.length() <= 15 ? name : name.substring(0, 15);
    }

    ClusterRoutes start() {
        nodes.addHandler(loop.onAnyEvent()).start();
        loop.start(List.of(nodes));
        return this;
    }

    private void sync(boolean full) throws IOException {
        List<ObjectNode> peers = new ArrayList<>();
        ObjectNode self = null;
        for (ObjectNode node : nodes.list()) {
            String name = node.path("metadata").path("name").asText();
            if (name.equals(nodeName)) {
                self = node;
            } else if (isPeer(node)) {
                peers.add(node);
            }
        }
        if (network.backend() == ClusterNetwork.Backend.HOST_GW) {
            Map<String, String> routes = new TreeMap<>();
            peers.forEach(peer -> routes.put(podCidr(peer), internalIp(peer)));
            direct.setPeers(routes, full);
            return;
        }
        if (peers.isEmpty() && !deviceMade) {
            return;
        }
        if (full || !deviceMade) {
            overlay.ensureDevice();
            deviceMade = true;
        }
        publishVtepMac(self);
        List<OverlayPeer> overlayPeers = new ArrayList<>();
        for (ObjectNode peer : peers) {
            String mac = peer.path("metadata").path("annotations").path(VTEP_MAC).asText("");
            if (mac.matches("(?i)([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
                overlayPeers.add(new OverlayPeer(internalIp(peer), podCidr(peer), mac));
            }
        }
        overlay.setPeers(overlayPeers, full);
    }

    /** Tells the other nodes this node's VXLAN MAC, unless its Node says so already. */
    private void publishVtepMac(ObjectNode self) throws IOException {
        String mac = overlay.vtepMac();
        if (self != null && mac.equals(self.path("metadata").path("annotations").path(VTEP_MAC).asText())) {
            return;
        }
        ObjectNode patch = Json.object();
        patch.putObject("metadata").putObject("annotations").put(VTEP_MAC, mac);
        client.patch(NodeHeartbeat.NODES, "", nodeName, "", PatchKind.MERGE, patch);
        LOG.info("node {} publishes its VXLAN MAC {}", nodeName, mac);
    }

    private static boolean isPeer(JsonNode node) {
        return !node.path("metadata").path("labels").path(SIMULATED).asText("").equals("true")
                && !podCidr(node).isEmpty() && !internalIp(node).isEmpty()
                // a node that found no address of its own reports loopback: nothing could reach its pods there
                && !internalIp(node).startsWith("127.");
    }

    private static String podCidr(JsonNode node) {
        return node.path("spec").path("podCIDR").asText("");
    }

    private static String internalIp(JsonNode node) {
        for (JsonNode address : node.path("status").path("addresses")) {
            if (address.path("type").asText().equals("InternalIP")) {
                return address.path("address").asText("");
            }
        }
        return "";
    }

    @Override
    public void close() {
        loop.close();
        nodes.close();
    }
}
