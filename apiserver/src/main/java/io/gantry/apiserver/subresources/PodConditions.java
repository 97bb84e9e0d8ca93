package io.gantry.apiserver.subresources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.rest.Clock;

/** Sets a condition in an object's status.conditions, keeping its transition time when the status is unchanged. */
public final class PodConditions {
    private PodConditions() {
    }

    /** Whether the pod's Ready condition is True (podutil.IsPodReady). */
    public static boolean isReady(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    public static void set(ObjectNode object, String type, String status, String reason, String message) {
        ArrayNode conditions = object.with("status").withArray("conditions");
        ObjectNode condition = null;
        for (JsonNode c : conditions) {
            if (type.equals(c.path("type").asText())) {
                condition = (ObjectNode) c;
            }
        }
        if (condition == null) {
            condition = conditions.addObject().put("type", type);
        }
        if (!status.equals(condition.path("status").asText())) {
            condition.put("lastTransitionTime", Clock.now());
        }
        condition.put("status", status);
        condition.putNull("lastProbeTime");
        if (reason != null) {
            condition.put("reason", reason);
        }
        if (message != null) {
            condition.put("message", message);
        }
    }
}
