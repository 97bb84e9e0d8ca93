package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.NodeConditions;
import io.gantry.agent.node.eviction.EvictionSignal;
import io.gantry.agent.node.eviction.PressureConditions;
import io.gantry.api.Json;
import io.gantry.api.Rfc3339;

import java.time.Instant;
import java.util.Map;

/** The Node and Lease objects that describe a real node, as a registering kubelet writes them. */
final class NodeObjects {
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final String KUBELET_VERSION = "v1.32.0-gantry";

    private final NodeAgentConfig config;
    private final HostFacts host;
    private final String runtimeVersion;
    /** When the node last became Ready, as the Node shows it: the start, or the return from being marked Unknown. */
    private volatile Instant readySince;
    private final int serverPort;
    private final String servingFingerprint;
    private final PressureConditions pressure;

    /**
     * @param serverPort         where the agent serves logs (daemonEndpoints.kubeletEndpoint.Port)
     * @param servingFingerprint the SHA-256 of the certificate it serves them with, published on the Node
     * @param pressure           the MemoryPressure, DiskPressure and PIDPressure conditions the eviction manager keeps
     */
    NodeObjects(NodeAgentConfig config, HostFacts host, String runtimeVersion, Instant readySince, int serverPort,
                String servingFingerprint, PressureConditions pressure) {
        this.config = config;
        this.host = host;
        this.runtimeVersion = runtimeVersion;
        this.readySince = readySince;
        this.serverPort = serverPort;
        this.servingFingerprint = servingFingerprint;
        this.pressure = pressure;
    }

    ObjectNode node() {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = node.putObject("metadata").put("name", config.nodeName());
        ObjectNode labels = meta.putObject("labels");
        labels.put("kubernetes.io/hostname", config.nodeName());
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("beta.kubernetes.io/arch", "amd64");
        for (Map.Entry<String, String> e : config.labels().entrySet()) {
            labels.put(e.getKey(), e.getValue());
        }
        ObjectNode annotations = meta.putObject("annotations").put("node.alpha.kubernetes.io/ttl", "0");
        if (servingFingerprint != null) {
            annotations.put(ServingCertificate.FINGERPRINT_ANNOTATION, servingFingerprint);
        }
        node.putObject("spec");
        return node;
    }

    /** The whole status: capacity, allocatable, conditions, addresses and versions. */
    ObjectNode status(Instant now) {
        ObjectNode status = Json.object();
        ObjectNode capacity = status.putObject("capacity");
        capacity.put("cpu", Integer.toString(host.cpus()))
                .put("memory", (host.memoryBytes() / 1024) + "Ki")
                .put("pods", Integer.toString(config.maxPods()))
                .put("ephemeral-storage", (host.storageBytes() / 1024) + "Ki");
        ObjectNode allocatable = status.putObject("allocatable");
        // as the kubelet's: capacity less the hard eviction threshold, which pods are evicted to keep free
        long memoryKib = Math.max(0, (host.memoryBytes() - threshold(EvictionSignal.MEMORY_AVAILABLE,
                host.memoryBytes())) / 1024);
        allocatable.put("cpu", Integer.toString(host.cpus()))
                .put("memory", memoryKib + "Ki")
                .put("pods", Integer.toString(config.maxPods()))
                .put("ephemeral-storage", Long.toString(Math.max(0, host.storageBytes()
                        - threshold(EvictionSignal.NODEFS_AVAILABLE, host.storageBytes()))));
        status.set("conditions", conditions(now));
        ArrayNode addresses = status.putArray("addresses");
        addresses.addObject().put("type", "InternalIP").put("address", host.internalIp());
        addresses.addObject().put("type", "Hostname").put("address", host.hostname());
        status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", serverPort);
        status.putObject("nodeInfo")
                .put("machineID", host.machineId())
                .put("systemUUID", host.machineId())
                .put("bootID", host.bootId())
                .put("kernelVersion", host.kernelVersion())
                .put("osImage", host.osImage())
                .put("containerRuntimeVersion", runtimeVersion)
                .put("kubeletVersion", KUBELET_VERSION)
                .put("kubeProxyVersion", "")
                .put("operatingSystem", "linux")
                .put("architecture", "amd64");
        return status;
    }

    /** The hard eviction threshold of a signal on a resource of {@code capacity}; 0 when it has none. */
    private long threshold(EvictionSignal signal, long capacity) {
        return config.eviction().hard().thresholds().stream().filter(t -> t.signal() == signal)
                .mapToLong(t -> t.minimum().of(capacity)).findFirst().orElse(0);
    }

    /** The node is Ready again after the control plane marked it otherwise. */
    void readyAgain(Instant now) {
        readySince = now;
    }

    ArrayNode conditions(Instant now) {
        return NodeConditions.of(seconds(now), seconds(readySince), pressure.states());
    }

    ObjectNode lease(String nodeUid, Instant now) {
        ObjectNode lease = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
        ObjectNode meta = lease.putObject("metadata").put("name", config.nodeName()).put("namespace", LEASE_NAMESPACE);
        if (nodeUid != null && !nodeUid.isEmpty()) {
            // as the kubelet does: the lease goes when its node is deleted
            meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
                    .put("name", config.nodeName()).put("uid", nodeUid);
        }
        lease.set("spec", leaseSpec(now));
        return lease;
    }

    ObjectNode leaseSpec(Instant now) {
        return Json.object().put("holderIdentity", config.nodeName())
                .put("leaseDurationSeconds", config.leaseDurationSeconds())
                .put("renewTime", Rfc3339.micros(now));
    }

    static String seconds(Instant t) {
        return Rfc3339.seconds(t);
    }
}
