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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Records core v1 Events about objects, like client-go's EventRecorder: an identical repeat (same object, type,
 * reason, message and source) increments the existing Event's count and lastTimestamp instead of creating a new
 * object. Events are written in order on one background thread so reconcilers do not wait for them. A node agent
 * names its node as the source's host and the container an event is about by a field path
 * ({@code spec.containers{web}}), as the kubelet does.
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final ResourceType EVENTS = ResourceRegistry.builtIn().byKind("v1", "Event").orElseThrow();
    private static final int CACHE_SIZE = 4096;

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    private final ApiClient client;
    private final String component;
    private final String host;
    private final Clock clock;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private final Map<String, Recorded> recorded = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private record Recorded(String namespace, String name, int count) {
    }

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
        String aggregateKey = String.join("\u0000", ref.path("uid").asText(), ref.path("kind").asText(),
                ref.path("name").asText(), ref.path("fieldPath").asText(), type, reason, message, component);
        String now = SECONDS.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        Recorded previous = recorded.get(aggregateKey);
        try {
            if (previous != null) {
                ObjectNode patch = Json.object().put("count", previous.count() + 1).put("lastTimestamp", now);
                client.patch(EVENTS, previous.namespace(), previous.name(), "", PatchKind.MERGE, patch);
                recorded.put(aggregateKey, new Recorded(previous.namespace(), previous.name(), previous.count() + 1));
                return;
            }
        } catch (ApiException e) {
            if (e.code() != 404) {
                LOG.debug("event patch failed: {}", e.getMessage());
                return;
            }
            // The Event expired (TTL): start a new one.
        }
        ObjectNode event = Json.object().put("apiVersion", "v1").put("kind", "Event");
        String name = ref.path("name").asText() + "." + Long.toHexString(clock.instant().toEpochMilli() * 1_000_000L
                + System.nanoTime() % 1_000_000L);
        event.putObject("metadata").put("name", name).put("namespace", namespace);
        event.set("involvedObject", ref);
        event.put("reason", reason).put("message", message).put("type", type)
                .put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1)
                .put("reportingComponent", component).put("reportingInstance", host == null ? "" : host);
        ObjectNode source = event.putObject("source").put("component", component);
        if (host != null) {
            source.put("host", host);
        }
        try {
            client.createWithoutResult(EVENTS, namespace, event);
            recorded.put(aggregateKey, new Recorded(namespace, name, 1));
        } catch (ApiException e) {
            LOG.debug("event create failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
