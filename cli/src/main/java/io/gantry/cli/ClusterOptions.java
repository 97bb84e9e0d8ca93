package io.gantry.cli;

import io.gantry.api.defaults.DefaultTolerationSeconds;
import io.gantry.apiserver.ServerConfig;
import io.gantry.controllers.ControllerManagerConfig;
import io.gantry.controllers.node.NodeIpamController;
import io.gantry.network.ClusterNetwork;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options shared by the commands that run a control plane. */
final class ClusterOptions {
    @Option(names = "--data-dir", description = "Where the store, certificates and tokens live (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDir.defaultPath();

    @Option(names = "--port", description = "HTTPS port of the API server (default: ${DEFAULT-VALUE}).")
    int port = 6443;

    @Option(names = "--bind-address", description = "Address the API server listens on (default: ${DEFAULT-VALUE}).")
    String bindAddress = "0.0.0.0";

    @Option(names = "--store", description = "sqlite (embedded, default) or etcd.")
    String store = "sqlite";

    @Option(names = "--etcd-endpoints", split = ",", description = "etcd client URLs, e.g. http://127.0.0.1:2379.")
    List<String> etcdEndpoints = List.of();

    @Option(names = "--service-cidr", description = "Range of Service cluster IPs (default: ${DEFAULT-VALUE}).")
    String serviceCidr = "10.96.0.0/12";

    @Option(names = "--service-node-port-range", description = "NodePort range (default: ${DEFAULT-VALUE}).")
    String nodePortRange = "30000-32767";

    @Option(names = "--insecure-port", description = "Also serve plain HTTP on 127.0.0.1 at this port (off by default).")
    int insecurePort = -1;

    @Option(names = "--tls-san", split = ",", description = "More names or addresses for the server certificate.")
    List<String> extraSans = List.of();

    @Option(names = "--event-ttl", description = "How long Events are kept after their last change, e.g. 1h, 30m "
            + "(default: ${DEFAULT-VALUE}).")
    String eventTtl = "1h";

    @Option(names = "--default-not-ready-toleration-seconds", description = "How long pods tolerate their node being "
            + "not ready unless they say otherwise (default: ${DEFAULT-VALUE}).")
    long notReadyTolerationSeconds = DefaultTolerationSeconds.DEFAULTS.notReadySeconds();

    @Option(names = "--default-unreachable-toleration-seconds", description = "How long pods tolerate their node being "
            + "unreachable unless they say otherwise (default: ${DEFAULT-VALUE}).")
    long unreachableTolerationSeconds = DefaultTolerationSeconds.DEFAULTS.unreachableSeconds();

    @Option(names = "--node-monitor-grace-period", description = "How long a node may go without a heartbeat before "
            + "it is marked unhealthy, e.g. 40s (default: ${DEFAULT-VALUE}).")
    String nodeMonitorGracePeriod = "40s";

    @Option(names = "--cluster-cidr", description = "Range of pod IPs; each node gets a /--node-cidr-mask-size of it "
            + "(default: ${DEFAULT-VALUE}).")
    String clusterCidr = ControllerManagerConfig.DEFAULT_CLUSTER_CIDR;

    @Option(names = "--node-cidr-mask-size", description = "Prefix length of each node's pod range (default: "
            + "${DEFAULT-VALUE}).")
    int nodeCidrMaskSize = 24;

    @Option(names = "--network-backend", description = "How nodes reach each other's pods: vxlan (an overlay that "
            + "works across any routed network) or host-gw (routes via the nodes' addresses; all nodes on one link) "
            + "(default: ${DEFAULT-VALUE}).")
    String networkBackend = "vxlan";

    /** The pod network every node is told about. */
    ClusterNetwork clusterNetwork() {
        controllerManagerConfig(); // validates the cluster CIDR with the option's name in the message
        return new ClusterNetwork(clusterCidr, ClusterNetwork.Backend.parse(networkBackend));
    }

    ServerConfig toConfig() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535");
        }
        String[] range = nodePortRange.split("-");
        int min;
        int max;
        try {
            min = Integer.parseInt(range[0].trim());
            max = Integer.parseInt(range[range.length - 1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--service-node-port-range must look like 30000-32767");
        }
        if (range.length != 2 || min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("--service-node-port-range must look like 30000-32767");
        }
        try {
            io.gantry.apiserver.allocation.IpRange.parse(serviceCidr);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--service-cidr: " + e.getMessage());
        }
        if (!store.equals("sqlite") && !store.equals("etcd")) {
            throw new IllegalArgumentException("--store must be sqlite or etcd, not \"" + store + "\"");
        }
        return new ServerConfig(dataDir.toAbsolutePath(), bindAddress, port, insecurePort, store, etcdEndpoints,
                serviceCidr, min, max, extraSans, GoDurations.parse("--event-ttl", eventTtl), tolerations());
    }

    private DefaultTolerationSeconds tolerations() {
        if (notReadyTolerationSeconds < 0) {
            throw new IllegalArgumentException("--default-not-ready-toleration-seconds must not be negative");
        }
        if (unreachableTolerationSeconds < 0) {
            throw new IllegalArgumentException("--default-unreachable-toleration-seconds must not be negative");
        }
        return new DefaultTolerationSeconds(notReadyTolerationSeconds, unreachableTolerationSeconds);
    }

    ControllerManagerConfig controllerManagerConfig() {
        ControllerManagerConfig defaults = ControllerManagerConfig.defaults();
        try {
            NodeIpamController.validate(clusterCidr, nodeCidrMaskSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--cluster-cidr: " + e.getMessage());
        }
        return defaults.withNodeMonitor(GoDurations.parse("--node-monitor-grace-period", nodeMonitorGracePeriod),
                defaults.nodeMonitorPeriod()).withClusterCidr(clusterCidr, nodeCidrMaskSize);
    }
}
