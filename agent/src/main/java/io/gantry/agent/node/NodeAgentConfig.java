package io.gantry.agent.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import io.gantry.agent.node.eviction.EvictionConfig;
import io.gantry.network.ClusterNetwork;
import io.gantry.network.services.ServiceProxyBackend;

/**
 * How a real node runs.
 *
 * @param nodeName             the Node's name (the agent's identity is system:node:NAME)
 * @param dataDir              images, pod directories, container logs and bundles live below it
 * @param stateDir             what must vanish with a reboot: runc state and namespace bind mounts (under /run)
 * @param labels               extra Node labels
 * @param leaseDurationSeconds the node Lease's duration; renewed every quarter of it, as the kubelet does
 * @param maxPods              the pods capacity
 * @param agentPort            the port the agent serves logs and exec on (daemonEndpoints.kubeletEndpoint)
 * @param runtimeBinary        the OCI runtime (runc)
 * @param cniPluginDirs        where the CNI plugin binaries are
 * @param clusterDns           the cluster DNS service address for ClusterFirst pods, or null
 * @param clusterDomain        e.g. cluster.local
 * @param statusInterval       how often the Ready condition's heartbeat is re-posted
 * @param defaultHandler       the RuntimeClass handler of pods that name none (runc)
 * @param bridgeName           the Linux bridge pods attach to
 * @param imageGc              when unused images are removed to free disk space
 * @param insecureRegistries   registries pulled from over plain HTTP
 * @param nodeIp               the node's address (status.addresses InternalIP, where other nodes send its pods'
 *                             packets), or null for the address of the default route's interface
 * @param clusterNetwork       the cluster's pod network as the control plane publishes it, or null when it
 *                             publishes none (then the node reaches only its own pods directly)
 * @param proxyMode            the packet filter the service proxy writes its rules for
 * @param eviction             node-pressure eviction: thresholds, pressure transition period, monitoring interval
 */
public record NodeAgentConfig(String nodeName, Path dataDir, Path stateDir, Map<String, String> labels,
                              int leaseDurationSeconds, int maxPods, int agentPort, Path runtimeBinary,
                              java.util.List<Path> cniPluginDirs, String clusterDns, String clusterDomain,
                              Duration statusInterval, String defaultHandler, String bridgeName,
                              ImageGcPolicy imageGc, java.util.Set<String> insecureRegistries, String nodeIp,
                              ClusterNetwork clusterNetwork, ServiceProxyBackend.Mode proxyMode,
                              EvictionConfig eviction) {
    public NodeAgentConfig {
        insecureRegistries = java.util.Set.copyOf(insecureRegistries);
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(proxyMode, "proxyMode");
        Objects.requireNonNull(eviction, "eviction");
        labels = Map.copyOf(labels);
        cniPluginDirs = java.util.List.copyOf(cniPluginDirs);
        if (leaseDurationSeconds <= 0) {
            throw new IllegalArgumentException("the lease duration must be positive");
        }
    }

    public static NodeAgentConfig defaults(String nodeName, Path dataDir) {
        return new NodeAgentConfig(nodeName, dataDir, Path.of("/run/gantry"), Map.of(), 40, 110, 10250,
                Path.of("/usr/sbin/runc"), java.util.List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin")),
                null, "cluster.local", Duration.ofMinutes(5), "runc", "gantry0", ImageGcPolicy.KUBELET_DEFAULT,
                java.util.Set.of(), null, null, ServiceProxyBackend.Mode.NFTABLES, EvictionConfig.KUBELET_DEFAULT);
    }

    public Duration leaseRenewInterval() {
        return Duration.ofSeconds(leaseDurationSeconds).dividedBy(4);
    }

    /** A copy with one setting changed. */
    private NodeAgentConfig with(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    public NodeAgentConfig withLabels(Map<String, String> value) {
        return with(b -> b.labels = value);
    }

    public NodeAgentConfig withStateDir(Path value) {
        return with(b -> b.stateDir = value);
    }

    public NodeAgentConfig withLeaseDuration(int value) {
        return with(b -> b.leaseDurationSeconds = value);
    }

    public NodeAgentConfig withDefaultHandler(String value) {
        return with(b -> b.defaultHandler = value);
    }

    /** @param value the OCI runtime: runc, or crun where it works (not on cgroup v1 hybrid hosts) */
    public NodeAgentConfig withRuntimeBinary(Path value) {
        return with(b -> b.runtimeBinary = value);
    }

    /** @param value where the agent serves logs and exec; 0 for any free port */
    public NodeAgentConfig withAgentPort(int value) {
        return with(b -> b.agentPort = value);
    }

    public NodeAgentConfig withImageGc(ImageGcPolicy value) {
        return with(b -> b.imageGc = value);
    }

    public NodeAgentConfig withBridgeName(String value) {
        return with(b -> b.bridgeName = value);
    }

    /** @param value registries ({@code host} or {@code host:port}) pulled from over plain HTTP, as loopback ones are */
    public NodeAgentConfig withInsecureRegistries(java.util.Set<String> value) {
        return with(b -> b.insecureRegistries = value);
    }

    public NodeAgentConfig withClusterDns(String value) {
        return with(b -> b.clusterDns = value);
    }

    public NodeAgentConfig withNodeIp(String value) {
        return with(b -> b.nodeIp = value);
    }

    public NodeAgentConfig withClusterNetwork(ClusterNetwork value) {
        return with(b -> b.clusterNetwork = value);
    }

    public NodeAgentConfig withProxyMode(ServiceProxyBackend.Mode value) {
        return with(b -> b.proxyMode = value);
    }

    public NodeAgentConfig withEviction(EvictionConfig value) {
        return with(b -> b.eviction = value);
    }

    /**
     * The kubelet's image garbage collection: when the image file system is fuller than {@code highPercent}, the
     * least recently used images no pod of the node uses are removed until it is at {@code lowPercent}; checked
     * every {@code period}.
     */
    public record ImageGcPolicy(int highPercent, int lowPercent, Duration period) {
        /** --image-gc-high-threshold=85, --image-gc-low-threshold=80, every 5 minutes. */
        public static final ImageGcPolicy KUBELET_DEFAULT = new ImageGcPolicy(85, 80, Duration.ofMinutes(5));

        public ImageGcPolicy {
            if (lowPercent < 0 || highPercent > 100 || lowPercent > highPercent) {
                throw new IllegalArgumentException("image GC thresholds need 0 <= low <= high <= 100");
            }
        }
    }

    /** The settings as fields, for {@link #with}. */
    private static final class Builder {
        String nodeName;
        Path dataDir;
        Path stateDir;
        Map<String, String> labels;
        int leaseDurationSeconds;
        int maxPods;
        int agentPort;
        Path runtimeBinary;
        java.util.List<Path> cniPluginDirs;
        String clusterDns;
        String clusterDomain;
        Duration statusInterval;
        String defaultHandler;
        String bridgeName;
        ImageGcPolicy imageGc;
        java.util.Set<String> insecureRegistries;
        String nodeIp;
        ClusterNetwork clusterNetwork;
        ServiceProxyBackend.Mode proxyMode;
        EvictionConfig eviction;

        Builder(NodeAgentConfig c) {
            nodeName = c.nodeName;
            dataDir = c.dataDir;
            stateDir = c.stateDir;
            labels = c.labels;
            leaseDurationSeconds = c.leaseDurationSeconds;
            maxPods = c.maxPods;
            agentPort = c.agentPort;
            runtimeBinary = c.runtimeBinary;
            cniPluginDirs = c.cniPluginDirs;
            clusterDns = c.clusterDns;
            clusterDomain = c.clusterDomain;
            statusInterval = c.statusInterval;
            defaultHandler = c.defaultHandler;
            bridgeName = c.bridgeName;
            imageGc = c.imageGc;
            insecureRegistries = c.insecureRegistries;
            nodeIp = c.nodeIp;
            clusterNetwork = c.clusterNetwork;
            proxyMode = c.proxyMode;
            eviction = c.eviction;
        }

        NodeAgentConfig build() {
            return new NodeAgentConfig(nodeName, dataDir, stateDir, labels, leaseDurationSeconds, maxPods, agentPort,
                    runtimeBinary, cniPluginDirs, clusterDns, clusterDomain, statusInterval, defaultHandler, bridgeName,
                    imageGc, insecureRegistries, nodeIp, clusterNetwork, proxyMode, eviction);
        }
    }
}
