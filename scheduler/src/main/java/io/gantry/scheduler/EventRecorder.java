package io.gantry.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.Rfc3339;
import io.gantry.client.ApiClient;
import io.gantry.client.PatchKind;
import io.gantry.scheduler.framework.PodInfo;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes core v1 Events about pods from "default-scheduler". Like Kubernetes' event aggregation, a repeat of the
 * pod's last event (same reason and message) raises that Event's count instead of creating another object.
 */
final class EventRecorder {
    private record Last(String reason, String message, String eventName, int count) {
    }

    private final ApiClient client;
    private final ResourceType events;
    private final Clock clock;
    private final String component;
    private final Map<String, Last> last = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    EventRecorder(ApiClient client, ResourceType events, Clock clock, String component) {
        this.client = client;
        this.events = events;
        this.clock = clock;
        this.component = component;
    }

    void record(PodInfo pod, String type, String reason, String message) {
        String now = Rfc3339.seconds(clock.instant());
        Last previous = last.get(pod.key());
        if (previous != null && previous.reason().equals(reason) && previous.message().equals(message)) {
            int count = previous.count() + 1;
            ObjectNode patch = Json.object().put("count", count).put("lastTimestamp", now);
            client.patch(events, pod.namespace(), previous.eventName(), "", PatchKind.MERGE, patch);
            last.put(pod.key(), new Last(reason, message, previous.eventName(), count));
            return;
        }
        String name = pod.name() + "." + Long.toHexString(Instant.now(clock).toEpochMilli() * 1000
                + sequence.incrementAndGet() % 1000);
        ObjectNode event = Json.object().put("apiVersion", "v1").put("kind", "Event");
        event.putObject("metadata").put("name", name).put("namespace", pod.namespace());
        event.putObject("involvedObject").put("apiVersion", "v1").put("kind", "Pod")
                .put("namespace", pod.namespace()).put("name", pod.name()).put("uid", pod.uid())
                .put("resourceVersion", pod.pod().path("metadata").path("resourceVersion").asText(""));
        event.put("reason", reason).put("message", message).put("type", type)
                .put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1)
                .put("action", "Scheduling").put("reportingComponent", component).put("reportingInstance", component);
        event.putObject("source").put("component", component);
        client.createWithoutResult(events, pod.namespace(), event);
        last.put(pod.key(), new Last(reason, message, name, 1));
    }

    void forget(String podKey) {
        last.remove(podKey);
    }
}
