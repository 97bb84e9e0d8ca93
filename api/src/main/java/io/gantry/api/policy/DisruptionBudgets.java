package io.gantry.api.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Rfc3339;
import io.gantry.api.selector.LabelSelector;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the disruption controller and the eviction subresource agree on about a PodDisruptionBudget (Kubernetes'
 * component-helpers poddisruptionbudget package and the constants of policy/v1): which pods it covers, its
 * DisruptionAllowed condition and how long an eviction it allowed stays in {@code status.disruptedPods}.
 */
public final class DisruptionBudgets {
    public static final String CONDITION = "DisruptionAllowed";
    public static final String SUFFICIENT_PODS = "SufficientPods";
    public static final String INSUFFICIENT_PODS = "InsufficientPods";
    public static final String SYNC_FAILED = "SyncFailed";
    /** The Status cause type of an eviction refused by a budget. */
    public static final String CAUSE = "DisruptionBudget";
    /** How long an allowed eviction counts as pending before the controller stops waiting for the pod to go. */
    public static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

    private DisruptionBudgets() {
    }

    /**
     * The budget's selector as Kubernetes reads it in policy/v1: a missing or null selector covers no pod, an
     * empty one ({@code {}}) every pod of the namespace; an invalid one covers nothing.
     */
    public static LabelSelector selector(JsonNode pdb) {
        try {
            return LabelSelector.fromJson(pdb.path("spec").path("selector"));
        } catch (ApiException e) {
            return LabelSelector.nothing();
        }
    }

    public static boolean covers(JsonNode pdb, Map<String, String> podLabels) {
        return selector(pdb).matches(podLabels);
    }

    /**
     * Sets DisruptionAllowed from {@code status.disruptionsAllowed}: True/SufficientPods when some disruption is
     * allowed, else False/InsufficientPods (UpdateDisruptionAllowedCondition).
     */
    public static void updateDisruptionAllowedCondition(ObjectNode pdb, Instant now) {
        ObjectNode status = pdb.with("status");
        boolean allowed = status.path("disruptionsAllowed").asInt(0) > 0;
        setCondition(status, allowed ? "True" : "False", allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS, "",
                status.path("observedGeneration").asLong(0), now);
    }

    /** Whether the condition is there and says what the status does, for the generation observed (ConditionsAreUpToDate). */
    public static boolean conditionsUpToDate(JsonNode pdb) {
        JsonNode status = pdb.path("status");
        Optional<JsonNode> condition = condition(status);
        if (condition.isEmpty()
                || status.path("observedGeneration").asLong(0) != pdb.path("metadata").path("generation").asLong(0)) {
            return false;
        }
        boolean allowed = status.path("disruptionsAllowed").asInt(0) > 0;
        return condition.get().path("status").asText().equals(allowed ? "True" : "False")
                && condition.get().path("reason").asText().equals(allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS);
    }

    /**
     * Sets the DisruptionAllowed condition as metav1's SetStatusCondition does: the transition time changes only
     * with the status; reason, message and observedGeneration are always replaced.
     */
    public static void setCondition(ObjectNode status, String conditionStatus, String reason, String message,
                                    long observedGeneration, Instant now) {
        ArrayNode conditions = status.withArray("conditions");
        ObjectNode condition = (ObjectNode) condition(status).orElse(null);
        if (condition == null) {
            condition = conditions.addObject().put("type", CONDITION);
        }
        if (!conditionStatus.equals(condition.path("status").asText()) || !condition.has("lastTransitionTime")) {
            condition.put("lastTransitionTime", time(now));
        }
        condition.put("status", conditionStatus);
        condition.put("observedGeneration", observedGeneration);
        condition.put("reason", reason);
        condition.put("message", message);
    }

    private static Optional<JsonNode> condition(JsonNode status) {
        for (JsonNode c : status.path("conditions")) {
            if (CONDITION.equals(c.path("type").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** metav1.Time: RFC 3339 in UTC, whole seconds, as disruptedPods entries and transition times are written. */
    public static String time(Instant t) {
        return Rfc3339.seconds(t);
    }
}
