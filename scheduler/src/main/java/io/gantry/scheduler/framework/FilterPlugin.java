package io.gantry.scheduler.framework;

/** Decides whether one node can run the pod. */
public interface FilterPlugin {
    String name();

    /** Computes per-pod data once before the nodes are filtered. */
    default void preFilter(CycleState state, PodInfo pod, ClusterView cluster) {
    }

    FilterResult filter(CycleState state, PodInfo pod, NodeInfo node);
}
