package io.gantry.cli;

import io.gantry.agent.Agent;
import io.gantry.agent.AgentConfig;
import io.gantry.agent.node.HostFacts;
import io.gantry.agent.node.NodeAgent;
import io.gantry.agent.node.NodeAgentConfig;
import io.gantry.agent.node.NodeEngines;
import io.gantry.agent.node.NodeLock;
import io.gantry.agent.node.eviction.EvictionConfig;
import io.gantry.agent.node.eviction.EvictionThresholds;
import io.gantry.network.services.ServiceProxyBackend;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real node: joins (or reuses its identity) and runs the pods bound to it. Shared by agent and up. */
final class NodeRunner implements AutoCloseable {
    private final Agent.Joined joined;
    private final NodeAgent node;
    private final NodeLock lock;

    private NodeRunner(Agent.Joined joined, NodeAgent node, NodeLock lock) {
        this.joined = joined;
        this.node = node;
        this.lock = lock;
    }

    /** What the node commands (agent, up) let a user choose about the node. */
    static final class Options {
        @Option(names = "--node-label", split = ",", description = "Labels for the node(s), key=value.")
        List<String> labels = List.of();

        @Option(names = "--run-dir", description = "Where runc state and pod namespaces live; it should vanish with a "
                + "reboot (default: ${DEFAULT-VALUE}).")
        Path runDir = Path.of("/run/gantry");

        @Option(names = "--pod-bridge", description = "The Linux bridge pods attach to (default: ${DEFAULT-VALUE}).")
        String podBridge = "gantry0";

        @Option(names = "--oci-runtime", description = "The OCI runtime binary: runc, or crun where it works "
                + "(default: ${DEFAULT-VALUE}).")
        Path ociRuntime = Path.of("/usr/sbin/runc");

        @Option(names = "--agent-port", description = "HTTPS port the node serves logs and exec on for the API server "
                + "(the kubelet's port; 0 for any free one; default: ${DEFAULT-VALUE}).")
        int agentPort = 10250;

        @Option(names = "--insecure-registry", split = ",", description = "A registry (host or host:port) to pull "
                + "from over plain HTTP; loopback registries always are. Repeatable.")
        List<String> insecureRegistries = List.of();

        @Option(names = "--node-ip", description = "The node's address, where other nodes reach it and its pods "
                + "(default: the address of the interface that holds the default route).")
        String nodeIp;

        @Option(names = "--proxy-mode", description = "The packet filter the service proxy writes to: nftables (one "
                + "table whose size grows with services, not endpoints) or iptables (default: ${DEFAULT-VALUE}).")
        String proxyMode = "nftables";

        @Option(names = "--eviction-hard", description = "Hard eviction thresholds in the kubelet's syntax, "
                + "signal<quantity or signal<percent%, comma-separated; signals: memory.available, nodefs.available, "
                + "nodefs.inodesFree, imagefs.available, imagefs.inodesFree, pid.available. Given, it replaces all of "
                + "the defaults; empty turns eviction off (default: the kubelet's, "
                + EvictionThresholds.KUBELET_DEFAULT_TEXT + ").")
        String evictionHard;

        @Option(names = "--eviction-pressure-transition-period", description = "How long a node stays under memory, "
                + "disk or PID pressure after its signal was last past a threshold (default: ${DEFAULT-VALUE}).")
        String evictionPressureTransitionPeriod = "5m";

        @Option(names = "--eviction-monitoring-interval", description = "How often the node measures its eviction "
                + "signals; at most one pod is evicted each time (the kubelet's housekeeping interval; default: "
                + "${DEFAULT-VALUE}).")
        String evictionMonitoringInterval = "10s";

        /** Checks every option, so that a bad one stops the command before anything starts. */
        void check() {
            if (agentPort < 0 || agentPort > 65535) {
                throw new IllegalArgumentException("--agent-port must be between 0 and 65535");
            }
            if (nodeIp != null && !nodeIp.matches("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)")) {
                throw new IllegalArgumentException("--node-ip must be an IPv4 address, not \"" + nodeIp + "\"");
            }
            if (!podBridge.matches("[a-zA-Z0-9_.-]{1,15}")) {
                throw new IllegalArgumentException("--pod-bridge must be a Linux interface name of at most 15 characters");
            }
            ServiceProxyBackend.Mode.parse(proxyMode);
            labelMap();
            eviction();
        }

        EvictionConfig eviction() {
            EvictionThresholds hard;
            try {
                hard = evictionHard == null ? EvictionThresholds.KUBELET_DEFAULT : EvictionThresholds.parse(evictionHard);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--eviction-hard: " + e.getMessage());
            }
            return new EvictionConfig(hard,
                    GoDurations.parse("--eviction-pressure-transition-period", evictionPressureTransitionPeriod),
                    GoDurations.parse("--eviction-monitoring-interval", evictionMonitoringInterval));
        }

        Map<String, String> labelMap() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String label : labels) {
                String[] kv = label.split("=", 2);
                if (kv.length != 2 || kv[0].isEmpty()) {
                    throw new IllegalArgumentException("--node-label must look like key=value, not \"" + label + "\"");
                }
                out.put(kv[0], kv[1]);
            }
            return out;
        }
    }

    static NodeRunner start(AgentConfig agent, Options options, int leaseDurationSeconds)
            throws InterruptedException {
        options.check(); // before joining
        ServiceProxyBackend.Mode proxyMode = ServiceProxyBackend.Mode.parse(options.proxyMode);
        NodeLock lock;
        try {
            lock = NodeLock.tryAcquire(agent.dataDir()).orElseThrow(() -> new IllegalArgumentException(
                    "another agent runs on " + agent.dataDir() + ": stop it first, or give this one its own --data-dir"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot lock " + agent.dataDir(), e);
        }
        Agent.Joined joined;
        try {
            joined = Agent.join(agent);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        try {
            NodeAgentConfig config = NodeAgentConfig.defaults(agent.agentName(), agent.dataDir())
                    .withLabels(options.labelMap()).withLeaseDuration(leaseDurationSeconds)
                    .withStateDir(options.runDir.toAbsolutePath()).withBridgeName(options.podBridge)
                    .withAgentPort(options.agentPort).withRuntimeBinary(options.ociRuntime)
                    .withInsecureRegistries(java.util.Set.copyOf(options.insecureRegistries))
                    .withProxyMode(proxyMode).withEviction(options.eviction());
            String clusterDns = NodeAgent.clusterDnsAddress(joined.client()).orElse(null);
            if (clusterDns != null) {
                config = config.withClusterDns(clusterDns);
            }
            config = config.withClusterNetwork(NodeAgent.clusterNetwork(joined.client()).orElse(null));
            String nodeIp = options.nodeIp != null ? options.nodeIp : HostFacts.read(agent.dataDir()).internalIp();
            config = config.withNodeIp(nodeIp);
            NodeAgent node = new NodeAgent(joined.client(), config, NodeEngines.forHost(config, nodeIp),
                    joined.credentials().caPem(), Clock.systemUTC())
                    .start(Duration.ofMinutes(2));
            return new NodeRunner(joined, node, lock);
        } catch (RuntimeException | InterruptedException e) {
            joined.close();
            closeQuietly(lock);
            throw e;
        }
    }

    private static void closeQuietly(NodeLock lock) {
        try {
            lock.close();
        } catch (java.io.IOException ignored) {
            // the process ending releases it anyway
        }
    }

    @Override
    public void close() {
        node.close();
        joined.close();
        closeQuietly(lock);
    }
}
