package io.gantry.agent.node.eviction;

/**
 * What one pod uses of the resources eviction reclaims; 0 where it could not be measured.
 *
 * @param memoryBytes    the working set of the pod's memory cgroup
 * @param diskBytes      all the pod keeps on the node's file system: containers' writable layers, logs, volumes
 * @param diskInodes     the inodes of the same
 * @param writableBytes  the containers' writable layers alone (the kubelet's rootfs usage)
 * @param writableInodes their inodes
 * @param processes      tasks in the pod's pids cgroup
 */
public record PodStats(long memoryBytes, long diskBytes, long diskInodes, long writableBytes, long writableInodes,
                       long processes) {
    public static final PodStats NONE = new PodStats(0, 0, 0, 0, 0, 0);
}
