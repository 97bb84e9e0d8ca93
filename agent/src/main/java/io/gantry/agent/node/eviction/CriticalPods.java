package io.gantry.agent.node.eviction;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Pods the kubelet never evicts under node pressure (its IsCriticalPod): static pods, their mirror pods, and pods
 * of a system-critical priority. The eviction manager passes over them to the next in its ranking.
 */
public final class CriticalPods {
    /** The least priority of a critical pod: the kubelet's SystemCriticalPriority (2 billion). */
    static final long SYSTEM_CRITICAL_PRIORITY = 2_000_000_000L;
    private static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    private static final String SOURCE_ANNOTATION = "kubernetes.io/config.source";

    private CriticalPods() {
    }

    public static boolean is(JsonNode pod) {
        JsonNode annotations = pod.path("metadata").path("annotations");
        boolean mirror = annotations.has(MIRROR_ANNOTATION);
        boolean staticPod = annotations.has(SOURCE_ANNOTATION)
                && !annotations.path(SOURCE_ANNOTATION).asText().equals("api");
        JsonNode priority = pod.path("spec").path("priority");
        return mirror || staticPod || priority.isNumber() && priority.asLong() >= SYSTEM_CRITICAL_PRIORITY;
    }
}
