package io.gantry.controllers;

import java.time.Duration;
import java.util.UUID;

/**
 * Settings of the controller manager, named after kube-controller-manager's flags.
 *
 * @param identity                 holderIdentity written to the leader Lease
 * @param leaderElect              false runs the controllers without a Lease (single instance, tests)
 * @param leaseDuration            --leader-elect-lease-duration
 * @param renewDeadline            --leader-elect-renew-deadline: the leader steps down when it could not renew
 * @param retryPeriod              --leader-elect-retry-period: how often to renew or try to acquire
 * @param nodeMonitorGracePeriod   --node-monitor-grace-period: a node Lease older than this makes Ready Unknown
 * @param nodeMonitorPeriod        --node-monitor-period: how often node health is checked
 * @param podEvictionTimeout       --pod-eviction-timeout; kept for compatibility: eviction is taint based, with the
 *                                 default tolerations the API server adds to pods (300 s unless configured by
 *                                 --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds)
 * @param replicaSetWorkers        --concurrent-replicaset-syncs
 * @param deploymentWorkers        --concurrent-deployment-syncs
 * @param terminatedPodGcThreshold --terminated-pod-gc-threshold: finished pods kept before the oldest are deleted
 * @param podGcPeriod              how often the pod garbage collector looks (Kubernetes: 20 s)
 * @param clusterCidr              --cluster-cidr: the range node podCIDRs are cut from; null allocates none
 * @param nodeCidrMaskSize         --node-cidr-mask-size: the prefix length of each node's podCIDR
 */
public record ControllerManagerConfig(
        String identity,
        boolean leaderElect,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod,
        Duration nodeMonitorGracePeriod,
        Duration nodeMonitorPeriod,
        Duration podEvictionTimeout,
        int replicaSetWorkers,
        int deploymentWorkers,
        int terminatedPodGcThreshold,
        Duration podGcPeriod,
        String clusterCidr,
        int nodeCidrMaskSize) {

    public static final String DEFAULT_CLUSTER_CIDR = "10.244.0.0/16";

    public static final String LEASE_NAMESPACE = "kube-system";
    public static final String LEASE_NAME = "gantry-controller-manager";

    public static ControllerManagerConfig defaults() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "gantry";
        }
        return new ControllerManagerConfig(host + "_" + UUID.randomUUID(), true, Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(40), Duration.ofSeconds(5),
                Duration.ofMinutes(5), 5, 5, 12500, Duration.ofSeconds(20), DEFAULT_CLUSTER_CIDR, 24);
    }

    public ControllerManagerConfig withIdentity(String newIdentity) {
        return new ControllerManagerConfig(newIdentity, leaderElect, leaseDuration, renewDeadline, retryPeriod,
                nodeMonitorGracePeriod, nodeMonitorPeriod, podEvictionTimeout, replicaSetWorkers, deploymentWorkers,
                terminatedPodGcThreshold, podGcPeriod, clusterCidr, nodeCidrMaskSize);
    }

    public ControllerManagerConfig withLeaderElection(boolean elect, Duration duration, Duration renew,
                                                      Duration retry) {
        return new ControllerManagerConfig(identity, elect, duration, renew, retry, nodeMonitorGracePeriod,
                nodeMonitorPeriod, podEvictionTimeout, replicaSetWorkers, deploymentWorkers, terminatedPodGcThreshold,
                podGcPeriod, clusterCidr, nodeCidrMaskSize);
    }

    public ControllerManagerConfig withNodeMonitor(Duration gracePeriod, Duration period) {
        return new ControllerManagerConfig(identity, leaderElect, leaseDuration, renewDeadline, retryPeriod,
                gracePeriod, period, podEvictionTimeout, replicaSetWorkers, deploymentWorkers,
                terminatedPodGcThreshold, podGcPeriod, clusterCidr, nodeCidrMaskSize);
    }

    public ControllerManagerConfig withPodGc(int threshold, Duration period) {
        return new ControllerManagerConfig(identity, leaderElect, leaseDuration, renewDeadline, retryPeriod,
                nodeMonitorGracePeriod, nodeMonitorPeriod, podEvictionTimeout, replicaSetWorkers, deploymentWorkers,
                threshold, period, clusterCidr, nodeCidrMaskSize);
    }

    public ControllerManagerConfig withClusterCidr(String cidr, int maskSize) {
        return new ControllerManagerConfig(identity, leaderElect, leaseDuration, renewDeadline, retryPeriod,
                nodeMonitorGracePeriod, nodeMonitorPeriod, podEvictionTimeout, replicaSetWorkers, deploymentWorkers,
                terminatedPodGcThreshold, podGcPeriod, cidr, maskSize);
    }
}
