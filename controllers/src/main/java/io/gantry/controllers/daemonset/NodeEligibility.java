package io.gantry.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.controllers.Meta;
import io.gantry.controllers.node.Taints;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a DaemonSet pod belongs on a node (Kubernetes' NodeShouldRunDaemonPod): the node must match the pod's
 * nodeName, nodeSelector and required node affinity, and the pod (with the DaemonSet's automatic tolerations)
 * must tolerate the node's NoSchedule and NoExecute taints. An untolerated NoSchedule taint only keeps new pods
 * away; an untolerated NoExecute taint evicts the running one too.
 */
public final class NodeEligibility {
    /** shouldRun: a pod should be created there; shouldContinueRunning: an existing one may stay. */
    public record Verdict(boolean shouldRun, boolean shouldContinueRunning) {
    }

    private NodeEligibility() {
    }

    public static Verdict judge(JsonNode node, JsonNode podSpec) {
        String fixed = podSpec.path("nodeName").asText("");
        if (!fixed.isEmpty() && !fixed.equals(Meta.name(node))) {
            return new Verdict(false, false);
        }
        if (!matchesSelector(node, podSpec.path("nodeSelector"))
                || !matchesRequiredAffinity(node, podSpec.path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution"))) {
            return new Verdict(false, false);
        }
        JsonNode tolerations = withDaemonTolerations(podSpec).path("tolerations");
        boolean run = true;
        for (JsonNode taint : node.path("spec").path("taints")) {
            String effect = taint.path("effect").asText();
            if (!effect.equals("NoSchedule") && !effect.equals(Taints.NO_EXECUTE)) {
                continue;
            }
            boolean tolerated = false;
            for (JsonNode t : tolerations) {
                if (Taints.tolerates(t, taint)) {
                    tolerated = true;
                    break;
                }
            }
            if (!tolerated) {
                if (effect.equals(Taints.NO_EXECUTE)) {
                    return new Verdict(false, false);
                }
                run = false;
            }
        }
        return new Verdict(run, true);
    }

    static boolean matchesSelector(JsonNode node, JsonNode nodeSelector) {
        Map<String, String> labels = Meta.labels(node);
        for (Map.Entry<String, String> e : Meta.stringMap(nodeSelector).entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** A NodeSelector: its terms are ORed, a term's requirements ANDed; a term with no requirements matches nothing. */
    static boolean matchesRequiredAffinity(JsonNode node, JsonNode required) {
        if (required.isMissingNode() || required.isNull()) {
            return true;
        }
        Map<String, String> labels = Meta.labels(node);
        Map<String, String> fields = Map.of("metadata.name", Meta.name(node));
        for (JsonNode term : required.path("nodeSelectorTerms")) {
            if (term.path("matchExpressions").isEmpty() && term.path("matchFields").isEmpty()) {
                continue;
            }
            if (allMatch(term.path("matchExpressions"), labels) && allMatch(term.path("matchFields"), fields)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allMatch(JsonNode requirements, Map<String, String> values) {
        for (JsonNode r : requirements) {
            if (!matches(r, values)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(JsonNode req, Map<String, String> values) {
        String value = values.get(req.path("key").asText());
        List<String> wanted = new ArrayList<>();
        req.path("values").forEach(v -> wanted.add(v.asText()));
        return switch (req.path("operator").asText()) {
            case "In" -> value != null && wanted.contains(value);
            case "NotIn" -> value == null || !wanted.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt", "Lt" -> value != null && wanted.size() == 1 && compare(req.path("operator").asText(), value,
                    wanted.get(0));
            default -> false;
        };
    }

    private static boolean compare(String op, String value, String bound) {
        try {
            long v = Long.parseLong(value);
            long b = Long.parseLong(bound);
            return op.equals("Gt") ? v > b : v < b;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** AddOrUpdateDaemonPodTolerations: the tolerations every DaemonSet pod gets, added to a copy of the spec. */
    public static ObjectNode withDaemonTolerations(JsonNode podSpec) {
        ObjectNode spec = podSpec.deepCopy();
        ArrayNode tolerations = spec.withArray("tolerations");
        add(tolerations, Taints.NOT_READY, Taints.NO_EXECUTE);
        add(tolerations, Taints.UNREACHABLE, Taints.NO_EXECUTE);
        add(tolerations, "node.kubernetes.io/disk-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/memory-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/pid-pressure", "NoSchedule");
        add(tolerations, "node.kubernetes.io/unschedulable", "NoSchedule");
        if (spec.path("hostNetwork").asBoolean(false)) {
            add(tolerations, "node.kubernetes.io/network-unavailable", "NoSchedule");
        }
        return spec;
    }

    /** Adds or replaces the toleration of that key and effect (Exists, no tolerationSeconds). */
    private static void add(ArrayNode tolerations, String key, String effect) {
        for (int i = tolerations.size() - 1; i >= 0; i--) {
            JsonNode t = tolerations.get(i);
            if (key.equals(t.path("key").asText()) && effect.equals(t.path("effect").asText())) {
                tolerations.remove(i);
            }
        }
        tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", effect);
    }
}
