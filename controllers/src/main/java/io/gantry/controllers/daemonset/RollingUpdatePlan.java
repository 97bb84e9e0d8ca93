package io.gantry.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.controllers.ControllerRevisions;
import io.gantry.controllers.Meta;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Kubernetes' DaemonSet rollingUpdate on plain data: which old pods to delete and which nodes get a surge pod
 * now, within maxUnavailable (maxSurge = 0) or maxSurge. Nodes are visited by name, so the rollout goes node by
 * node in a stable order.
 */
public final class RollingUpdatePlan {
    public record Plan(List<String> podsToDelete, List<String> nodesToCreate) {
    }

    private RollingUpdatePlan() {
    }

    /**
     * @param nodeToPods active pods (not terminating) of the DaemonSet by the node they target, nodes that should run
     */
    public static Plan plan(Map<String, List<JsonNode>> nodeToPods, String hash, int maxSurge, int maxUnavailable,
                            Predicate<JsonNode> available) {
        SortedMap<String, List<JsonNode>> sorted = new TreeMap<>(nodeToPods);
        List<String> toDelete = new ArrayList<>();
        if (maxSurge == 0) {
            int unavailable = 0;
            List<String> candidates = new ArrayList<>();
            for (List<JsonNode> pods : sorted.values()) {
                Split s = split(pods, hash);
                if (s == null) {
                    unavailable++;
                } else if ((s.oldPod == null) == (s.newPod == null)) {
                    // The manage step creates or deletes here; until then the node counts as unavailable.
                    unavailable++;
                } else if (s.newPod != null) {
                    if (!available.test(s.newPod)) {
                        unavailable++;
                    }
                } else if (!available.test(s.oldPod)) {
                    // Already unavailable: replacing it costs nothing.
                    toDelete.add(Meta.name(s.oldPod));
                } else if (unavailable < maxUnavailable) {
                    candidates.add(Meta.name(s.oldPod));
                }
            }
            int remaining = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.size()));
            toDelete.addAll(candidates.subList(0, remaining));
            return new Plan(toDelete, List.of());
        }
        int surging = 0;
        List<String> allowed = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> e : sorted.entrySet()) {
            Split s = split(e.getValue(), hash);
            if (s == null || s.oldPod == null) {
                continue;
            }
            if (s.newPod == null) {
                if (!available.test(s.oldPod)) {
                    allowed.add(e.getKey());
                } else {
                    candidates.add(e.getKey());
                }
            } else {
                // A surge pod is running beside the old one; the old one goes once the new one is available.
                surging++;
                if (available.test(s.newPod)) {
                    toDelete.add(Meta.name(s.oldPod));
                }
            }
        }
        int remaining = Math.max(0, Math.min(maxSurge - surging, candidates.size()));
        List<String> create = new ArrayList<>(allowed);
        create.addAll(candidates.subList(0, remaining));
        return new Plan(toDelete, create);
    }

    private record Split(JsonNode newPod, JsonNode oldPod) {
    }

    /** findUpdatedPodsOnNode: at most one new and one old pod, else null (the manage step sorts it out). */
    private static Split split(List<JsonNode> pods, String hash) {
        JsonNode newPod = null;
        JsonNode oldPod = null;
        for (JsonNode p : pods.stream().sorted(Comparator.comparing(Meta::creation)).toList()) {
            if (Meta.deleting(p)) {
                continue;
            }
            if (hash.equals(Meta.labels(p).get(ControllerRevisions.HASH_LABEL))) {
                if (newPod != null) {
                    return null;
                }
                newPod = p;
            } else {
                if (oldPod != null) {
                    return null;
                }
                oldPod = p;
            }
        }
        return new Split(newPod, oldPod);
    }
}
