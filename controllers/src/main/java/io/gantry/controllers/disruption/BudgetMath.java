package io.gantry.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.policy.DisruptionBudgets;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arithmetic of Kubernetes' disruption controller, apart from informers and writes: how many pods a budget
 * expects and wants healthy, which evictions are still pending, how many pods are healthy, and the status.
 */
final class BudgetMath {
    private BudgetMath() {
    }

    /** A pod's controller and how many replicas it asks for (a controllerAndScale). */
    record Scale(String uid, int replicas) {
    }

    /** Finds the scale of the controller a pod's controllerRef names, if it is a kind with a scale that is known. */
    interface ScaleFinder {
        Optional<Scale> find(JsonNode controllerRef, String namespace);
    }

    /** A pod has a controller whose scale is unknown: the budget cannot be computed (Kubernetes then fails safe). */
    static final class NoScaleException extends Exception {
        NoScaleException(String message) {
            super(message);
        }
    }

    /** expectedPods and desiredHealthy, and the pods without a controller that a scale-based count left out. */
    record Expectation(int expectedPods, int desiredHealthy, List<String> unmanagedPods) {
    }

    /** The evictions still pending (pod name → when it was allowed) and when the earliest of them runs out. */
    record Disrupted(Map<String, String> pods, Optional<Instant> recheck) {
    }

    /**
     * getExpectedPodCount: {@code maxUnavailable} (int or percent, rounded up) counts from the controllers' scale,
     * as does a percent {@code minAvailable}; an integer {@code minAvailable} is wanted as is, of the pods there.
     */
    static Expectation expectation(JsonNode spec, List<? extends JsonNode> pods, ScaleFinder scales)
            throws NoScaleException {
        JsonNode maxUnavailable = spec.path("maxUnavailable");
        JsonNode minAvailable = spec.path("minAvailable");
        if (present(maxUnavailable)) {
            ExpectedScale scale = expectedScale(pods, scales);
            int unavailable = scaled(maxUnavailable, scale.total());
            return new Expectation(scale.total(), Math.max(0, scale.total() - unavailable), scale.unmanaged());
        }
        if (present(minAvailable)) {
            if (minAvailable.isIntegralNumber()) {
                return new Expectation(pods.size(), minAvailable.asInt(), List.of());
            }
            ExpectedScale scale = expectedScale(pods, scales);
            return new Expectation(scale.total(), scaled(minAvailable, scale.total()), scale.unmanaged());
        }
        return new Expectation(0, 0, List.of());
    }

    private static boolean present(JsonNode n) {
        return !n.isMissingNode() && !n.isNull();
    }

    private record ExpectedScale(int total, List<String> unmanaged) {
    }

    /**
     * The sum of the scales of the pods' controllers, each counted once. Pods without a controller are left out
     * (and named, for a warning); a controller that is not found or has no scale is an error.
     */
    private static ExpectedScale expectedScale(List<? extends JsonNode> pods, ScaleFinder scales)
            throws NoScaleException {
        Map<String, Integer> byController = new HashMap<>();
        List<String> unmanaged = new ArrayList<>();
        for (JsonNode pod : pods) {
            Optional<JsonNode> ref = Meta.controllerRef(pod);
            if (ref.isEmpty()) {
                unmanaged.add(Meta.name(pod));
                continue;
            }
            if (byController.containsKey(ref.get().path("uid").asText())) {
                continue;
            }
            Scale scale = scales.find(ref.get(), Meta.namespace(pod))
                    .orElseThrow(() -> new NoScaleException("found no controllers for pod \"" + Meta.name(pod) + "\""));
            byController.put(scale.uid(), scale.replicas());
        }
        return new ExpectedScale(byController.values().stream().mapToInt(Integer::intValue).sum(), unmanaged);
    }

    /** intstr.GetScaledValueFromIntOrPercent, rounding up: an int as is, "N%" of {@code total}. */
    static int scaled(JsonNode intOrPercent, int total) throws NoScaleException {
        if (intOrPercent.isIntegralNumber()) {
            return intOrPercent.asInt();
        }
        String text = intOrPercent.asText();
        if (!text.endsWith("%")) {
            throw new NoScaleException("invalid value for IntOrString: invalid type: string is not a percentage");
        }
        int percent;
        try {
            percent = Integer.parseInt(text.substring(0, text.length() - 1));
        } catch (NumberFormatException e) {
            throw new NoScaleException("invalid value \"" + text + "\": " + e.getMessage());
        }
        return (int) Math.ceil(percent * (double) total / 100);
    }

    /**
     * buildDisruptedPodMap: the recorded evictions whose pods are still there and not yet terminating, unless
     * {@link DisruptionBudgets#DELETION_TIMEOUT} has passed since (the pod was not deleted after all).
     */
    static Disrupted disrupted(JsonNode status, List<? extends JsonNode> pods, Instant now) {
        JsonNode recorded = status.path("disruptedPods");
        Map<String, String> live = new HashMap<>();
        Instant recheck = null;
        for (JsonNode pod : pods) {
            JsonNode at = recorded.path(Meta.name(pod));
            if (Meta.deleting(pod) || !at.isTextual()) {
                continue;
            }
            Optional<Instant> since = Meta.parseTime(at);
            if (since.isEmpty()) {
                continue;
            }
            Instant expires = since.get().plus(DisruptionBudgets.DELETION_TIMEOUT);
            if (!expires.isBefore(now)) {
                live.put(Meta.name(pod), at.asText());
                if (recheck == null || expires.isBefore(recheck)) {
                    recheck = expires;
                }
            }
        }
        return new Disrupted(live, Optional.ofNullable(recheck));
    }

    /** countHealthyPods: Ready, not terminating and not about to be deleted by a pending eviction. */
    static int currentHealthy(List<? extends JsonNode> pods, Disrupted disrupted) {
        int healthy = 0;
        for (JsonNode pod : pods) {
            if (!Meta.deleting(pod) && !disrupted.pods().containsKey(Meta.name(pod)) && Pods.ready(pod)) {
                healthy++;
            }
        }
        return healthy;
    }

    /**
     * The status a budget should have (updatePdbStatus); the pods' first appearance under a budget that expects
     * none yet allows nothing until they are counted.
     */
    static ObjectNode status(JsonNode pdb, Expectation expectation, int currentHealthy, Disrupted disrupted,
                             Instant now) {
        int allowed = currentHealthy - expectation.desiredHealthy();
        if (expectation.expectedPods() <= 0 || allowed <= 0) {
            allowed = 0;
        }
        ObjectNode status = Json.object();
        if (!disrupted.pods().isEmpty()) {
            ObjectNode pods = status.putObject("disruptedPods");
            disrupted.pods().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> pods.put(e.getKey(), e.getValue()));
        }
        status.put("disruptionsAllowed", allowed);
        status.put("currentHealthy", currentHealthy);
        status.put("desiredHealthy", expectation.desiredHealthy());
        status.put("expectedPods", expectation.expectedPods());
        status.put("observedGeneration", pdb.path("metadata").path("generation").asLong(0));
        if (pdb.path("status").path("conditions").isArray()) {
            status.set("conditions", pdb.path("status").path("conditions").deepCopy());
        }
        ObjectNode updated = Json.object();
        updated.set("status", status);
        DisruptionBudgets.updateDisruptionAllowedCondition(updated, now);
        return status;
    }

    /** Whether the budget's status already says all this (then nothing is written). */
    static boolean upToDate(JsonNode pdb, ObjectNode status) {
        JsonNode current = pdb.path("status");
        for (String field : List.of("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")) {
            if (current.path(field).asLong(0) != status.path(field).asLong(0)) {
                return false;
            }
        }
        JsonNode recorded = current.path("disruptedPods");
        return (recorded.isObject() ? recorded : Json.object()).equals(status.path("disruptedPods").isObject()
                ? status.path("disruptedPods") : Json.object())
                && DisruptionBudgets.conditionsUpToDate(pdb);
    }
}
