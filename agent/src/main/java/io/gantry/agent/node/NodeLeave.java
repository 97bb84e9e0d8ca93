package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.ListQuery;
import io.gantry.network.PodNetwork;
import io.gantry.network.PodNetworkConfig;
import io.gantry.network.exec.IpRoute2;
import io.gantry.network.services.ServiceProxyBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a node out of its cluster for good, as {@code docker swarm leave} or {@code kubeadm reset} do, once its
 * agent has stopped: the Node is deleted (its pods are then replaced elsewhere and every other node drops its
 * routes), and everything the agent put on the host goes: containers, pod sandboxes and their addresses, the
 * node's masquerading, forwarding, policy and service rules, the overlay device, the routes to other nodes' pods
 * and the pod bridge. Images and the node's identity stay.
 *
 * <p>Every step runs whatever the others did, and a second run finishes what a first one could not: the pod range
 * comes from the node's own network configuration when the cluster no longer knows the node (or cannot be
 * reached).
 */
public final class NodeLeave {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLeave.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was done, a line each, and what could not be, a line each. */
    public record Outcome(List<String> done, List<String> failed) {
    }

    private final NodeAgentConfig config;
    private final String nodeIp;
    private final List<String> done = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();

    private NodeLeave(NodeAgentConfig config, String nodeIp) {
        this.config = config;
        this.nodeIp = nodeIp;
    }

    /** @param client the cluster, or empty when it cannot be reached (then only the host is cleaned) */
    public static Outcome leave(Optional<ApiClient> client, NodeAgentConfig config, String nodeIp) {
        return new NodeLeave(config, nodeIp).run(client);
    }

    private Outcome run(Optional<ApiClient> client) {
        String podCidr = "";
        List<String> peerCidrs = new ArrayList<>();
        if (client.isPresent()) {
            try {
                for (ObjectNode node : client.get().list(NodeHeartbeat.NODES, "", ListQuery.ALL).items()) {
                    String cidr = node.path("spec").path("podCIDR").asText("");
                    if (node.path("metadata").path("name").asText().equals(config.nodeName())) {
                        podCidr = cidr;
                    } else if (!cidr.isEmpty()) {
                        peerCidrs.add(cidr);
                    }
                }
                client.get().delete(NodeHeartbeat.NODES, "", config.nodeName(), DeleteRequest.DEFAULT);
                done.add("deleted node " + config.nodeName());
            } catch (ApiException e) {
                if (e.code() != 404) {
                    failed.add("deleting node " + config.nodeName() + ": " + e.getMessage());
                }
            } catch (RuntimeException e) {
                failed.add("deleting node " + config.nodeName() + ": " + e.getMessage());
            }
        }
        if (podCidr.isEmpty()) {
            podCidr = localPodCidr(config.dataDir()).orElse("");
        }
        removePods(podCidr);
        if (!podCidr.isEmpty()) {
            String cidr = podCidr;
            step("removed the node's iptables rules", () -> PodNetwork.create(PodNetworkConfig.builder(cidr)
                    .bridgeName(config.bridgeName()).confDir(config.dataDir().resolve("cni/net.d")).build())
                    .removeNodeRules());
            for (ServiceProxyBackend.Mode mode : ServiceProxyBackend.Mode.values()) {
                step("removed the service rules (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")",
                        () -> mode.backend(cidr, Optional.empty()).removeAll());
            }
        }
        IpRoute2 ip = new IpRoute2(null);
        for (String cidr : peerCidrs) {
            step(null, () -> ip.ip("route", "del", cidr)); // gone already when the device went: no failure
        }
        step("removed the routes to other nodes' pods", () -> IpRoute2.require(
                ip.ip("route", "flush", "proto", io.gantry.network.overlay.DirectRoutes.PROTO)));
        for (String device : List.of(ClusterRoutes.deviceName(config.bridgeName()), config.bridgeName())) {
            step(null, () -> {
                if (ip.ip("link", "show", device).succeeded()) {
                    IpRoute2.require(ip.ip("link", "del", device));
                    done.add("removed device " + device);
                }
            });
        }
        LOG.info("node {} left its cluster{}", config.nodeName(), failed.isEmpty() ? "" : ", leaving things behind");
        return new Outcome(List.copyOf(done), List.copyOf(failed));
    }

    private void removePods(String podCidr) {
        for (ContainerEngine engine : NodeEngines.forHost(config, nodeIp)) {
            try {
                if (engine.needsPodCidr() && !podCidr.isEmpty()) {
                    engine.configureNetwork(new NodePodNetwork(podCidr, podCidr, OptionalInt.empty()));
                }
                for (String container : engine.containers()) {
                    step("removed container " + container, () -> {
                        engine.stop(container, Duration.ofSeconds(10));
                        engine.remove(container);
                    });
                }
                for (String pod : engine.sandboxes()) {
                    step("released pod " + pod, () -> engine.removeSandbox(pod));
                }
            } catch (RuntimeException e) {
                failed.add("removing the pods of " + engine.handler() + ": " + e.getMessage());
            } finally {
                engine.close();
            }
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private void step(String what, Step step) {
        try {
            step.run();
            if (what != null) {
                done.add(what);
            }
        } catch (IOException | RuntimeException e) {
            failed.add((what == null ? "a step" : what.replaceFirst("^removed", "removing").replaceFirst("^released",
                    "releasing")) + ": " + e.getMessage());
        }
    }

    /** The pod range the node's own CNI configuration names, for a node its cluster no longer knows. */
    static Optional<String> localPodCidr(Path dataDir) {
        Path confDir = dataDir.resolve("cni/net.d");
        if (!Files.isDirectory(confDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(confDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".conflist")).toList()) {
                JsonNode subnet = JSON.readTree(file.toFile()).findValue("subnet");
                if (subnet != null && !subnet.asText().isEmpty()) {
                    return Optional.of(subnet.asText());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the node's network configuration in {}: {}", confDir, e.getMessage());
        }
        return Optional.empty();
    }
}
