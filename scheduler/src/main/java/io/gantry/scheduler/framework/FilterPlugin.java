package io.gantry.scheduler.framework;

/** Decides whether one node can run the pod. */
public interface FilterPlugin {
    String name();

    /**
     * Computes per-pod data once before the nodes are filtered; SKIP when {@link #filter} would pass every node
     * for this pod.
     */
    default PreResult preFilter(CycleState state, PodInfo pod, ClusterView cluster) {
        return PreResult.RUN;
    }

    FilterResult filter(CycleState state, PodInfo pod, NodeInfo node);
}
