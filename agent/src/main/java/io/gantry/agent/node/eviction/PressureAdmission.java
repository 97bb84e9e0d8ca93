package io.gantry.agent.node.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.NodeConditions.Pressure;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kubelet's eviction admission: a node under pressure refuses to start pods that would only make it worse.
 * Under memory pressure alone it refuses BestEffort pods unless they tolerate the memory-pressure taint; under disk
 * or PID pressure it refuses every pod. Critical pods are always admitted. Without this, a pod bound to the node
 * before the taint reached the scheduler (or one naming the node itself) would start and be evicted again.
 */
public final class PressureAdmission {
    /** The reason the kubelet gives a pod it refused, the same as an evicted pod's. */
    public static final String REASON = "Evicted";
    private static final String MEMORY_PRESSURE_TAINT = "node.kubernetes.io/memory-pressure";

    private PressureAdmission() {
    }

    /**
     * Why the node refuses {@code pod}, in the kubelet's words ("The node had condition: [DiskPressure]. "), or
     * empty when it may start.
     *
     * @param pressures the node's pressure conditions that are True now
     */
    public static Optional<String> refusal(JsonNode pod, Set<Pressure> pressures) {
        if (pressures.isEmpty() || CriticalPods.is(pod)) {
            return Optional.empty();
        }
        if (pressures.equals(Set.of(Pressure.MEMORY))
                && (!"BestEffort".equals(pod.path("status").path("qosClass").asText()) || toleratesMemoryPressure(pod))) {
            return Optional.empty();
        }
        String conditions = java.util.Arrays.stream(Pressure.values()).filter(pressures::contains)
                .map(Pressure::type).collect(Collectors.joining(" ", "[", "]"));
        return Optional.of("The node had condition: " + conditions + ". ");
    }

    private static boolean toleratesMemoryPressure(JsonNode pod) {
        for (JsonNode t : pod.path("spec").path("tolerations")) {
            String effect = t.path("effect").asText("");
            if (!effect.isEmpty() && !effect.equals("NoSchedule")) {
                continue;
            }
            String key = t.path("key").asText("");
            boolean exists = "Exists".equals(t.path("operator").asText("Equal"));
            if (key.isEmpty() ? exists : key.equals(MEMORY_PRESSURE_TAINT) && (exists || t.path("value").asText("").isEmpty())) {
                return true;
            }
        }
        return false;
    }
}
