package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.time.Instant;

/**
 * What the agent remembers of one container of a pod across its restarts (and across restarts of the agent:
 * it is saved with the pod): the runtime id of its current instance, how often it was restarted, how the last
 * instance ended, and why it waits, if it does.
 */
final class ContainerRecord {
    /** How an instance ended, as containerStatuses[].lastState.terminated reports it. */
    record Termination(int exitCode, String reason, String message, Instant startedAt, Instant finishedAt,
                       String containerId) {
    }

    final String name;
    final boolean init;
    String containerId;
    int attempt;
    int restartCount;
    String image = "";
    String imageId = "";
    Termination last;
    /** The current instance ended and will not run again (init success, or a restart policy that says no). */
    Termination finished;
    String waitingReason;
    String waitingMessage;
    final Backoff crashBackoff = new Backoff(true);
    final Backoff pullBackoff = new Backoff(false);

    ContainerRecord(String name, boolean init) {
        this.name = name;
        this.init = init;
    }

    void waiting(String reason, String message) {
        waitingReason = reason;
        waitingMessage = message;
    }

    void clearWaiting() {
        waitingReason = null;
        waitingMessage = null;
    }

    ObjectNode toJson() {
        ObjectNode n = Json.object().put("name", name).put("init", init).put("attempt", attempt)
                .put("restartCount", restartCount).put("image", image).put("imageId", imageId);
        if (containerId != null) {
            n.put("containerId", containerId);
        }
        if (last != null) {
            n.set("last", termination(last));
        }
        if (finished != null) {
            n.set("finished", termination(finished));
        }
        return n;
    }

    static ContainerRecord fromJson(JsonNode n) {
        ContainerRecord r = new ContainerRecord(n.path("name").asText(), n.path("init").asBoolean());
        r.containerId = n.hasNonNull("containerId") ? n.path("containerId").asText() : null;
        r.attempt = n.path("attempt").asInt();
        r.restartCount = n.path("restartCount").asInt();
        r.image = n.path("image").asText("");
        r.imageId = n.path("imageId").asText("");
        r.last = n.has("last") ? termination(n.path("last")) : null;
        r.finished = n.has("finished") ? termination(n.path("finished")) : null;
        return r;
    }

    private static ObjectNode termination(Termination t) {
        ObjectNode n = Json.object().put("exitCode", t.exitCode()).put("reason", t.reason())
                .put("startedAt", t.startedAt() == null ? "" : t.startedAt().toString())
                .put("finishedAt", t.finishedAt().toString()).put("containerId", t.containerId());
        if (t.message() != null) {
            n.put("message", t.message());
        }
        return n;
    }

    private static Termination termination(JsonNode n) {
        String started = n.path("startedAt").asText("");
        return new Termination(n.path("exitCode").asInt(), n.path("reason").asText(),
                n.hasNonNull("message") ? n.path("message").asText() : null,
                started.isEmpty() ? null : Instant.parse(started), Instant.parse(n.path("finishedAt").asText()),
                n.path("containerId").asText());
    }
}
