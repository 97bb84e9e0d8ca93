package io.gantry.agent.node.eviction;

/**
 * Where the image store lives relative to the node's file system. On the usual single disk it shares it: then the
 * imagefs signals measure the same space as the nodefs ones, every pod's writable layers, logs and volumes fill
 * it, and freeing images helps either signal, as with the kubelet on a node without a dedicated imagefs.
 */
public enum ImageFs {
    /** The image store is on the node's file system. */
    SHARED,
    /** The image store has a file system of its own, which only images and writable layers fill. */
    DEDICATED;

    /** Whether removing unused images can relieve {@code signal}. */
    boolean imagesRelieve(EvictionSignal signal) {
        return switch (signal) {
            case IMAGEFS_AVAILABLE, IMAGEFS_INODES_FREE -> true;
            case NODEFS_AVAILABLE, NODEFS_INODES_FREE -> this == SHARED;
            case MEMORY_AVAILABLE, PID_AVAILABLE -> false;
        };
    }

    /** The signal whose ranking applies to {@code signal}: on a shared file system, imagefs ranks as nodefs. */
    EvictionSignal rankedAs(EvictionSignal signal) {
        if (this == DEDICATED) {
            return signal;
        }
        return switch (signal) {
            case IMAGEFS_AVAILABLE -> EvictionSignal.NODEFS_AVAILABLE;
            case IMAGEFS_INODES_FREE -> EvictionSignal.NODEFS_INODES_FREE;
            default -> signal;
        };
    }
}
