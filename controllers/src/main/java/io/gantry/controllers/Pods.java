package io.gantry.controllers;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;

/** Pod state as controllers judge it (Kubernetes' podutil). */
public final class Pods {
    private Pods() {
    }

    public static String phase(JsonNode pod) {
        return pod.path("status").path("phase").asText("Pending");
    }

    public static String nodeName(JsonNode pod) {
        return pod.path("spec").path("nodeName").asText("");
    }

    /** Not finished and not being deleted: what ReplicaSets count. */
    public static boolean active(JsonNode pod) {
        String phase = phase(pod);
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && !Meta.deleting(pod);
    }

    public static boolean ready(JsonNode pod) {
        return Meta.condition(pod, "Ready").map(c -> "True".equals(c.path("status").asText())).orElse(false);
    }

    /** Ready for at least minReadySeconds, judged by the Ready condition's lastTransitionTime. */
    public static boolean available(JsonNode pod, long minReadySeconds, Instant now) {
        if (!ready(pod)) {
            return false;
        }
        if (minReadySeconds <= 0) {
            return true;
        }
        Instant since = Meta.condition(pod, "Ready")
                .flatMap(c -> Meta.parseTime(c.path("lastTransitionTime"))).orElse(null);
        return since != null && !since.plus(Duration.ofSeconds(minReadySeconds)).isAfter(now);
    }

    public static int restarts(JsonNode pod) {
        int sum = 0;
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            sum += s.path("restartCount").asInt(0);
        }
        return sum;
    }
}
