package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Records core v1 Events about objects, like client-go's EventRecorder: an identical repeat (same object, type,
 * reason, message and source) increments the existing Event's count and lastTimestamp instead of creating a new
 * object; many events that differ only by message combine into one; a source that says too much about one object
 * is cut short ({@link EventCorrelator}). Events are written in order on one background thread so reconcilers do
 * not wait for them. A node agent
 * names its node as the source's host and the container an event is about by a field path
 * ({@code spec.containers{web}}), as the kubelet does.
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final ResourceType EVENTS = ResourceRegistry.builtIn().byKind("v1", "Event").orElseThrow();

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    private final ApiClient client;
    private final String component;
    private final String host;
    private final Clock clock;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    /** Used on the writer thread only. */
    private final EventCorrelator correlator = new EventCorrelator();

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    public EventRecorder(ApiClient client, String component, Clock clock) {
        this(client, component, null, clock);
    }

    /** @param host the node the component runs on (source.host), or null */
    public EventRecorder(ApiClient client, String component, String host, Clock clock) {
        this.client = client;
        this.component = component;
        this.host = host;
        this.clock = clock;
    }

    public void event(JsonNode involved, String type, String reason, String message) {
        event(involved, null, type, reason, message);
    }

    /** @param fieldPath the part of the object the event is about, e.g. {@code spec.containers{web}}, or null */
    public void event(JsonNode involved, String fieldPath, String type, String reason, String message) {
        JsonNode meta = involved.path("metadata");
        ObjectNode ref = Json.object()
                .put("kind", involved.path("kind").asText())
                .put("namespace", meta.path("namespace").asText(""))
                .put("name", meta.path("name").asText(""))
                .put("uid", meta.path("uid").asText(""))
                .put("apiVersion", involved.path("apiVersion").asText())
                .put("resourceVersion", meta.path("resourceVersion").asText());
        if (fieldPath != null) {
            ref.put("fieldPath", fieldPath);
        }
        try {
            writer.execute(() -> write(ref, type, reason, message));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("event after close: {} {}", reason, message);
        }
    }

    private void write(ObjectNode ref, String type, String reason, String message) {
        String namespace = ref.path("namespace").asText().isEmpty() ? "default" : ref.path("namespace").asText();
        EventCorrelator.Occurrence occurrence = new EventCorrelator.Occurrence(component, host == null ? "" : host,
                ref.path("kind").asText(), ref.path("namespace").asText(), ref.path("name").asText(),
                ref.path("uid").asText(), ref.path("apiVersion").asText(), ref.path("fieldPath").asText(), type,
                reason, message);
        Instant now = clock.instant();
        String freshName = ref.path("name").asText() + "." + Long.toHexString(now.toEpochMilli() * 1_000_000L
                + System.nanoTime() % 1_000_000L);
        if (!(correlator.correlate(occurrence, freshName, now) instanceof EventCorrelator.Outcome.Write write)) {
            LOG.debug("event dropped, its source spent its budget for {}: {} {}", ref.path("name").asText(), reason,
                    message);
            return;
        }
        String lastSeen = SECONDS.format(now.truncatedTo(ChronoUnit.SECONDS));
        if (write.count() > 1) {
            try {
                ObjectNode patch = Json.object().put("count", write.count()).put("lastTimestamp", lastSeen)
                        .put("message", write.message());
                client.patch(EVENTS, namespace, write.name(), "", PatchKind.MERGE, patch);
                return;
            } catch (ApiException e) {
                if (e.code() != 404) {
                    LOG.debug("event patch failed: {}", e.getMessage());
                    return;
                }
                // the Event expired (its TTL): made again under its name, with the count so far
            }
        }
        ObjectNode event = Json.object().put("apiVersion", "v1").put("kind", "Event");
        event.putObject("metadata").put("name", write.name()).put("namespace", namespace);
        event.set("involvedObject", ref);
        event.put("reason", reason).put("message", write.message()).put("type", type)
                .put("firstTimestamp", SECONDS.format(write.firstSeen().truncatedTo(ChronoUnit.SECONDS)))
                .put("lastTimestamp", lastSeen).put("count", write.count())
                .put("reportingComponent", component).put("reportingInstance", host == null ? "" : host);
        ObjectNode source = event.putObject("source").put("component", component);
        if (host != null) {
            source.put("host", host);
        }
        try {
            client.createWithoutResult(EVENTS, namespace, event);
        } catch (ApiException e) {
            LOG.debug("event create failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
