package io.gantry.scheduler.framework;

/**
 * What a plugin's per-pod step found: whether its per-node step has anything to decide for this pod. SKIP is
 * Kubernetes' Skip status of PreFilter and PreScore: the plugin then sits out that pod's filtering or scoring,
 * so the nodes are not walked through a check that passes them all, or a score equal for all of them.
 */
public enum PreResult {
    RUN, SKIP
}
