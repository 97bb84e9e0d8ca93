package io.gantry.agent.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.NodeConditions;
import io.gantry.api.Json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.BitSet;
import java.util.Map;
import java.util.UUID;

/**
 * One simulated node: its name, fake addresses and the Node and Lease objects that describe it. Addresses are
 * computed, never contacted: node {@code slot} s has InternalIP 10.128.x.y (s*4+1) and hands pods addresses
 * from 10.(64 + s/256).(s%256).0/24. Slots are distinct within one agent; agents with colliding name hashes
 * may repeat addresses, which nothing relies on.
 */
final class SimNode {
    static final String RUNTIME_VERSION = "gantry-sim://0.1.0";
    static final String KUBELET_VERSION = "v1.32.0-gantry";
    static final int SLOTS = 16_384;

    final String name;
    final int slot;
    final String internalIp;
    private final BitSet podAddresses = new BitSet(256);
    private int nextPodAddress = 2;
    volatile String uid = "";
    volatile boolean registered;
    volatile Instant readySince;

    SimNode(String name, int slot) {
        this.name = name;
        this.slot = slot;
        int v = slot * 4 + 1;
        this.internalIp = "10.128." + (v >> 8) + "." + (v & 255);
    }

    static int slot(String agentPrefix, int index) {
        int base = Math.floorMod(agentPrefix.hashCode(), 16) * 1024;
        return (base + index) % SLOTS;
    }

    /** A pod address from this node's /24 (.2 to .254), reused once freed; wraps when all are taken. */
    synchronized String allocatePodIp() {
        int host = podAddresses.nextClearBit(nextPodAddress);
        if (host > 254) {
            host = podAddresses.nextClearBit(2);
            if (host > 254) {
                host = nextPodAddress;
            }
        }
        podAddresses.set(host);
        nextPodAddress = host >= 254 ? 2 : host + 1;
        return podPrefix() + host;
    }

    /** Marks an address a pod already holds (from an earlier run of the agent) as taken. */
    synchronized String claimPodIp(String ip) {
        hostPart(ip).ifPresent(podAddresses::set);
        return ip;
    }

    private java.util.OptionalInt hostPart(String ip) {
        if (ip != null && ip.startsWith(podPrefix())) {
            try {
                int host = Integer.parseInt(ip.substring(podPrefix().length()));
                if (host >= 0 && host <= 255) {
                    return java.util.OptionalInt.of(host);
                }
            } catch (NumberFormatException ignored) {
                // not one of ours
            }
        }
        return java.util.OptionalInt.empty();
    }

    synchronized void releasePodIp(String ip) {
        hostPart(ip).ifPresent(podAddresses::clear);
    }

    private String podPrefix() {
        return "10." + (64 + slot / 256) + "." + (slot % 256) + ".";
    }

    ObjectNode node(SimulationConfig config) {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = node.putObject("metadata").put("name", name);
        ObjectNode labels = meta.putObject("labels");
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("gantry.io/simulated", "true");
        for (Map.Entry<String, String> e : config.labels().entrySet()) {
            labels.put(e.getKey(), e.getValue());
        }
        meta.putObject("annotations").put("node.alpha.kubernetes.io/ttl", "0");
        node.putObject("spec");
        return node;
    }

    /** The whole status, as a registering kubelet reports it. */
    ObjectNode status(SimulationConfig config, Instant now) {
        ObjectNode status = Json.object();
        ObjectNode capacity = status.putObject("capacity");
        capacity.put("cpu", config.cpu()).put("memory", config.memory()).put("pods", config.pods())
                .put("ephemeral-storage", config.ephemeralStorage());
        status.set("allocatable", capacity.deepCopy());
        status.set("conditions", conditions(now));
        ArrayNode addresses = status.putArray("addresses");
        addresses.addObject().put("type", "InternalIP").put("address", internalIp);
        addresses.addObject().put("type", "Hostname").put("address", name);
        status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", 10250);
        String id = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
        status.putObject("nodeInfo")
                .put("machineID", id.replace("-", ""))
                .put("systemUUID", id)
                .put("bootID", UUID.nameUUIDFromBytes((name + "@" + readySince).getBytes(StandardCharsets.UTF_8)).toString())
                .put("kernelVersion", "6.1.0-gantry-sim")
                .put("osImage", "Gantry simulated node")
                .put("containerRuntimeVersion", RUNTIME_VERSION)
                .put("kubeletVersion", KUBELET_VERSION)
                .put("kubeProxyVersion", "")
                .put("operatingSystem", "linux")
                .put("architecture", "amd64");
        return status;
    }

    /** The four conditions a healthy kubelet reports, heartbeat now, transitions when this node became ready. */
    ArrayNode conditions(Instant now) {
        return NodeConditions.healthy(Times.seconds(now), Times.seconds(readySince == null ? now : readySince));
    }

    ObjectNode lease(SimulationConfig config, Instant now) {
        ObjectNode lease = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
        ObjectNode meta = lease.putObject("metadata").put("name", name).put("namespace", SimulatedNodes.LEASE_NAMESPACE);
        if (!uid.isEmpty()) {
            // as the kubelet does: the lease goes when its node is deleted
            meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
                    .put("name", name).put("uid", uid);
        }
        lease.set("spec", leaseSpec(config, now));
        return lease;
    }

    ObjectNode leaseSpec(SimulationConfig config, Instant now) {
        return Json.object().put("holderIdentity", name).put("leaseDurationSeconds", config.leaseDurationSeconds())
                .put("renewTime", Times.micros(now));
    }
}
