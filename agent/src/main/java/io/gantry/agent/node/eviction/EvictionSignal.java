package io.gantry.agent.node.eviction;

import io.gantry.agent.NodeConditions.Pressure;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kubelet's eviction signals on Linux, in the order the agent acts on them when several are past their
 * thresholds (memory first, as the kubelet's byEvictionPriority).
 */
public enum EvictionSignal {
    /** What the node's memory has left: MemAvailable of /proc/meminfo. */
    MEMORY_AVAILABLE("memory.available", Pressure.MEMORY, "memory", true),
    /** Free space of the file system holding the agent's data directory (pods, volumes, logs, writable layers). */
    NODEFS_AVAILABLE("nodefs.available", Pressure.DISK, "ephemeral-storage", true),
    NODEFS_INODES_FREE("nodefs.inodesFree", Pressure.DISK, "inodes", false),
    /** Free space of the file system holding the image store. */
    IMAGEFS_AVAILABLE("imagefs.available", Pressure.DISK, "ephemeral-storage", true),
    IMAGEFS_INODES_FREE("imagefs.inodesFree", Pressure.DISK, "inodes", false),
    /** Process ids left: the smaller of pid_max and threads-max, less the tasks that exist. */
    PID_AVAILABLE("pid.available", Pressure.PID, "pids", false);

    private final String text;
    private final Pressure pressure;
    private final String resource;
    private final boolean bytes;

    EvictionSignal(String text, Pressure pressure, String resource, boolean bytes) {
        this.text = text;
        this.pressure = pressure;
        this.resource = resource;
        this.bytes = bytes;
    }

    /** The kubelet's name, e.g. memory.available. */
    public String text() {
        return text;
    }

    /** The node condition this signal sets while it is past its threshold. */
    public Pressure pressure() {
        return pressure;
    }

    /** The resource an eviction message names ("The node was low on resource: memory."). */
    public String resource() {
        return resource;
    }

    /** Whether the signal counts bytes (printed with binary suffixes) rather than things (inodes, pids). */
    public boolean inBytes() {
        return bytes;
    }

    public static Optional<EvictionSignal> byText(String text) {
        return Arrays.stream(values()).filter(s -> s.text.equals(text)).findFirst();
    }
}
