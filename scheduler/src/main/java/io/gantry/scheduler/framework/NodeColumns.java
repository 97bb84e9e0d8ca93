package io.gantry.scheduler.framework;

import java.util.Arrays;

/**
 * What the common filters and scores read of every node, one array per value, indexed by the node's place in the
 * cache's node list (its slot). A decision reads these for hundreds of nodes; reading them from each node's own
 * {@link NodeInfo} missed the CPU caches once or more per node (the objects lie wherever the heap put them, and the
 * rest of the control plane has pushed them out since the last decision looked at them): filtering 500 nodes took
 * a tenth of the control plane's work when it scheduled bare pods alone. Here the values of neighbouring nodes
 * share cache lines and are read in order.
 * <p>
 * Every {@link NodeInfo} attached to a slot writes its values here whenever they change, so the columns are never
 * behind it. Not thread-safe: the cache guards it, as it guards the nodes.
 */
public final class NodeColumns {
    /** The node is cordoned (spec.unschedulable). */
    public static final int UNSCHEDULABLE = 1;
    /** The node has a NoSchedule or NoExecute taint. */
    public static final int HARD_TAINTS = 1 << 1;
    /** The node has a PreferNoSchedule taint. */
    public static final int SOFT_TAINTS = 1 << 2;
    /** The node has the kubernetes.io/hostname label. */
    public static final int HOSTNAME = 1 << 3;

    private int size;
    private byte[] flags = new byte[0];
    private long[] freeMilliCpu = new long[0];
    private long[] freeMemory = new long[0];
    private long[] freeEphemeralStorage = new long[0];
    private long[] freePods = new long[0];
    private long[] allocatableMilliCpu = new long[0];
    private long[] allocatableMemory = new long[0];
    private long[] nonZeroMilliCpu = new long[0];
    private long[] nonZeroMemory = new long[0];
    private String[] zone = new String[0];

    /** Attaches {@code node} to {@code slot} (at most one past the last) and copies its values there. */
    public void attach(NodeInfo node, int slot) {
        if (slot < 0 || slot > size) {
            throw new IllegalArgumentException("slot " + slot + " of " + size);
        }
        if (slot == size) {
            grow(size + 1);
            size++;
        }
        node.attach(this, slot);
    }

    /** Forgets the slots from {@code newSize} on; their nodes must have been detached or moved first. */
    public void truncate(int newSize) {
        size = Math.min(size, Math.max(0, newSize));
    }

    public int size() {
        return size;
    }

    private void grow(int wanted) {
        if (wanted <= flags.length) {
            return;
        }
        int capacity = Math.max(16, Math.max(wanted, flags.length * 2));
        flags = Arrays.copyOf(flags, capacity);
        freeMilliCpu = Arrays.copyOf(freeMilliCpu, capacity);
        freeMemory = Arrays.copyOf(freeMemory, capacity);
        freeEphemeralStorage = Arrays.copyOf(freeEphemeralStorage, capacity);
        freePods = Arrays.copyOf(freePods, capacity);
        allocatableMilliCpu = Arrays.copyOf(allocatableMilliCpu, capacity);
        allocatableMemory = Arrays.copyOf(allocatableMemory, capacity);
        nonZeroMilliCpu = Arrays.copyOf(nonZeroMilliCpu, capacity);
        nonZeroMemory = Arrays.copyOf(nonZeroMemory, capacity);
        zone = Arrays.copyOf(zone, capacity);
    }

    /** Called by the node attached to {@code slot} whenever one of these values changes. */
    void write(int slot, NodeInfo node) {
        flags[slot] = (byte) node.columnFlags();
        freeMilliCpu[slot] = node.freeMilliCpu();
        freeMemory[slot] = node.freeMemory();
        freeEphemeralStorage[slot] = node.freeEphemeralStorage();
        freePods[slot] = node.freePods();
        allocatableMilliCpu[slot] = node.allocatableMilliCpu();
        allocatableMemory[slot] = node.allocatableMemory();
        nonZeroMilliCpu[slot] = node.nonZeroMilliCpu();
        nonZeroMemory[slot] = node.nonZeroMemory();
        zone[slot] = node.label(NodeInfo.ZONE_LABEL);
    }

    public int flags(int slot) {
        return flags[slot];
    }

    public long freeMilliCpu(int slot) {
        return freeMilliCpu[slot];
    }

    public long freeMemory(int slot) {
        return freeMemory[slot];
    }

    public long freeEphemeralStorage(int slot) {
        return freeEphemeralStorage[slot];
    }

    public long freePods(int slot) {
        return freePods[slot];
    }

    public long allocatableMilliCpu(int slot) {
        return allocatableMilliCpu[slot];
    }

    public long allocatableMemory(int slot) {
        return allocatableMemory[slot];
    }

    public long nonZeroMilliCpu(int slot) {
        return nonZeroMilliCpu[slot];
    }

    public long nonZeroMemory(int slot) {
        return nonZeroMemory[slot];
    }

    /** The node's topology.kubernetes.io/zone label, or null. */
    public String zone(int slot) {
        return zone[slot];
    }
}
