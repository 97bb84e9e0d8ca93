package io.gantry.controllers.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which pods a ReplicaSet deletes first when it has too many: Kubernetes' ActivePodsWithRanks. Earlier in this
 * order is deleted first: unscheduled before scheduled; Pending before Unknown before Running; not ready before
 * ready; lower pod-deletion-cost first; more siblings on the same node first; ready for a shorter time first;
 * more restarts first; newer before older.
 */
public final class PodRanking {
    public static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private PodRanking() {
    }

    public static Comparator<JsonNode> deletionOrder(Map<String, Integer> podsPerNode) {
        Comparator<JsonNode> c = Comparator.comparingInt(p -> Pods.nodeName(p).isEmpty() ? 0 : 1);
        c = c.thenComparingInt(PodRanking::phaseRank);
        c = c.thenComparingInt(p -> Pods.ready(p) ? 1 : 0);
        c = c.thenComparingLong(PodRanking::deletionCost);
        c = c.thenComparingInt(p -> -podsPerNode.getOrDefault(Pods.nodeName(p), 0));
        c = c.thenComparing(PodRanking::readySince, Comparator.reverseOrder());
        c = c.thenComparingInt(p -> -Pods.restarts(p));
        c = c.thenComparing(Meta::creation, Comparator.reverseOrder());
        return c;
    }

    /** The {@code count} pods to delete out of {@code pods}. */
    public static List<JsonNode> toDelete(List<? extends JsonNode> pods, int count, Map<String, Integer> podsPerNode) {
        return pods.stream().map(p -> (JsonNode) p).sorted(deletionOrder(podsPerNode)).limit(count).toList();
    }

    private static int phaseRank(JsonNode pod) {
        return switch (Pods.phase(pod)) {
            case "Pending" -> 0;
            case "Unknown" -> 1;
            case "Running" -> 2;
            default -> 3;
        };
    }

    private static long deletionCost(JsonNode pod) {
        try {
            return Long.parseLong(pod.path("metadata").path("annotations").path(DELETION_COST).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant readySince(JsonNode pod) {
        if (!Pods.ready(pod)) {
            return Instant.MAX;
        }
        return Meta.condition(pod, "Ready").flatMap(c -> Meta.parseTime(c.path("lastTransitionTime")))
                .orElse(Instant.MAX);
    }
}
