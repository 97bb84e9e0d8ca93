package io.gantry.controllers.node;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Taint and toleration matching as Kubernetes' v1helper does it. */
public final class Taints {
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String NO_EXECUTE = "NoExecute";
    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
    public static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
    public static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";
    public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

    /**
     * Kubernetes' TaintNodesByCondition for the kubelet's pressure conditions: the NoSchedule taint a node carries
     * while the condition of that type is True.
     */
    public static final java.util.Map<String, String> BY_PRESSURE_CONDITION = java.util.Map.of(
            "MemoryPressure", MEMORY_PRESSURE, "DiskPressure", DISK_PRESSURE, "PIDPressure", PID_PRESSURE);

    private Taints() {
    }

    public static boolean tolerates(JsonNode toleration, JsonNode taint) {
        String effect = toleration.path("effect").asText("");
        if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) {
            return false;
        }
        String key = toleration.path("key").asText("");
        String operator = toleration.path("operator").asText("Equal");
        if (key.isEmpty()) {
            // An empty key with Exists tolerates everything.
            return "Exists".equals(operator);
        }
        if (!key.equals(taint.path("key").asText())) {
            return false;
        }
        return "Exists".equals(operator)
                || toleration.path("value").asText("").equals(taint.path("value").asText(""));
    }

    public static List<JsonNode> noExecute(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode t : node.path("spec").path("taints")) {
            if (NO_EXECUTE.equals(t.path("effect").asText())) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * How long the pod may stay with these NoExecute taints: empty when some taint is not tolerated (evict
     * now), {@code Duration.ZERO} for a zero or negative tolerationSeconds, null-free "forever" as
     * {@code Optional.of(ChronoUnit.FOREVER.getDuration())}; otherwise the smallest tolerationSeconds of the
     * tolerations in use (Kubernetes' getMinTolerationTime).
     */
    public static Optional<Duration> tolerationTime(JsonNode pod, List<JsonNode> taints) {
        List<JsonNode> used = new ArrayList<>();
        for (JsonNode taint : taints) {
            boolean tolerated = false;
            for (JsonNode toleration : pod.path("spec").path("tolerations")) {
                if (tolerates(toleration, taint)) {
                    tolerated = true;
                    used.add(toleration);
                }
            }
            if (!tolerated) {
                return Optional.empty();
            }
        }
        long min = Long.MAX_VALUE;
        for (JsonNode t : used) {
            if (t.has("tolerationSeconds") && !t.path("tolerationSeconds").isNull()) {
                long s = t.path("tolerationSeconds").asLong();
                if (s <= 0) {
                    return Optional.of(Duration.ZERO);
                }
                min = Math.min(min, s);
            }
        }
        return Optional.of(min == Long.MAX_VALUE ? FOREVER : Duration.ofSeconds(min));
    }

    public static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);
}
