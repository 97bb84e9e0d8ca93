package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.network.PodNetwork;
import io.gantry.network.PodNetworkConfig;
import io.gantry.network.exec.IpRoute2;
import io.gantry.network.services.ServiceProxyBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a node out of its cluster for good, as {@code docker swarm leave} or {@code kubeadm reset} do, once its
 * agent has stopped: the Node is deleted (its pods are then replaced elsewhere and every other node drops its
 * routes), and everything the agent put on the host goes: containers, pod sandboxes and their addresses, the
 * node's masquerading, forwarding, policy and service rules, the overlay device, the routes to other nodes' pods
 * and the pod bridge. Images and the node's identity stay.
 */
public final class NodeLeave {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLeave.class);

    private NodeLeave() {
    }

    /** @return what was removed, one line each, for the operator */
    public static List<String> leave(ApiClient client, NodeAgentConfig config, String nodeIp) throws IOException {
        List<String> done = new ArrayList<>();
        String podCidr = "";
        List<String> peerCidrs = new ArrayList<>();
        for (ObjectNode node : client.list(NodeHeartbeat.NODES, "", io.gantry.client.ListQuery.ALL).items()) {
            String cidr = node.path("spec").path("podCIDR").asText("");
            if (node.path("metadata").path("name").asText().equals(config.nodeName())) {
                podCidr = cidr;
            } else if (!cidr.isEmpty()) {
                peerCidrs.add(cidr);
            }
        }
        try {
            client.delete(NodeHeartbeat.NODES, "", config.nodeName(), DeleteRequest.DEFAULT);
            done.add("deleted node " + config.nodeName());
        } catch (ApiException e) {
            if (e.code() != 404) {
                throw e;
            }
        }
        for (ContainerEngine engine : NodeEngines.forHost(config, nodeIp)) {
            try {
                if (engine.needsPodCidr() && !podCidr.isEmpty()) {
                    engine.configureNetwork(new NodePodNetwork(podCidr, podCidr, OptionalInt.empty()));
                }
                for (String container : engine.containers()) {
                    engine.stop(container, Duration.ofSeconds(10));
                    engine.remove(container);
                    done.add("removed container " + container);
                }
                for (String pod : engine.sandboxes()) {
                    engine.removeSandbox(pod);
                    done.add("released pod " + pod);
                }
            } finally {
                engine.close();
            }
        }
        if (!podCidr.isEmpty()) {
            PodNetworkConfig network = PodNetworkConfig.builder(podCidr).bridgeName(config.bridgeName())
                    .confDir(config.dataDir().resolve("cni/net.d")).build();
            PodNetwork.create(network).removeNodeRules();
            for (ServiceProxyBackend.Mode mode : ServiceProxyBackend.Mode.values()) {
                mode.backend(podCidr, java.util.Optional.empty()).removeAll(); // whichever the agent used
            }
            done.add("removed the node's iptables rules");
        }
        IpRoute2 ip = new IpRoute2(null);
        for (String cidr : peerCidrs) {
            if (ip.ip("route", "del", cidr).succeeded()) {
                done.add("removed the route to " + cidr);
            }
        }
        for (String device : List.of(ClusterRoutes.deviceName(config.bridgeName()), config.bridgeName())) {
            if (ip.ip("link", "del", device).succeeded()) {
                done.add("removed device " + device);
            }
        }
        LOG.info("node {} left its cluster", config.nodeName());
        return done;
    }
}
