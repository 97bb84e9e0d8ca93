package io.gantry.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.Rfc3339;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reading and writing the metadata of Kubernetes JSON objects. */
public final class Meta {

    private Meta() {
    }

    public static String name(JsonNode o) {
        return o.path("metadata").path("name").asText("");
    }

    public static String namespace(JsonNode o) {
        return o.path("metadata").path("namespace").asText("");
    }

    public static String uid(JsonNode o) {
        return o.path("metadata").path("uid").asText("");
    }

    public static String key(JsonNode o) {
        String ns = namespace(o);
        return ns.isEmpty() ? name(o) : ns + "/" + name(o);
    }

    public static boolean deleting(JsonNode o) {
        return !o.path("metadata").path("deletionTimestamp").asText("").isEmpty();
    }

    public static Map<String, String> labels(JsonNode o) {
        return stringMap(o.path("metadata").path("labels"));
    }

    public static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> m = new LinkedHashMap<>();
        node.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    /** The owner reference with controller=true. */
    public static Optional<JsonNode> controllerRef(JsonNode o) {
        for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return Optional.of(ref);
            }
        }
        return Optional.empty();
    }

    public static boolean controlledBy(JsonNode o, JsonNode owner) {
        return controllerRef(o).map(r -> r.path("uid").asText().equals(uid(owner))).orElse(false);
    }

    /** A controller reference to {@code owner}, blocking its foreground deletion like Kubernetes' controllers do. */
    public static ObjectNode controllerRefTo(JsonNode owner, ResourceType type) {
        return Json.object()
                .put("apiVersion", type.apiVersion())
                .put("kind", type.kind())
                .put("name", name(owner))
                .put("uid", uid(owner))
                .put("controller", true)
                .put("blockOwnerDeletion", true);
    }

    /** A private copy of an informer's object, with apiVersion and kind set (lists leave them out). */
    public static ObjectNode copy(ObjectNode o, ResourceType type) {
        ObjectNode c = o.deepCopy();
        c.put("apiVersion", type.apiVersion());
        c.put("kind", type.kind());
        return c;
    }

    /** RFC 3339 with seconds, as metav1.Time serializes. */
    public static String time(Instant t) {
        return Rfc3339.seconds(t);
    }

    /** metav1.MicroTime, as Leases and Events use. */
    public static String microTime(Instant t) {
        return Rfc3339.micros(t);
    }

    public static Optional<Instant> parseTime(JsonNode node) {
        String s = node.asText("");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Rfc3339.parse(s));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public static Instant creation(JsonNode o) {
        return parseTime(o.path("metadata").path("creationTimestamp")).orElse(Instant.EPOCH);
    }

    /** The condition of that type in status.conditions, if any. */
    public static Optional<JsonNode> condition(JsonNode o, String type) {
        for (JsonNode c : o.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
