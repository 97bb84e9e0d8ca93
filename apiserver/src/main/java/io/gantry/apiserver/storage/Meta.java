package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** Accessors for the {@code metadata} of an object held as a JSON tree. */
public final class Meta {
    private Meta() {
    }

    public static ObjectNode metadata(ObjectNode object) {
        JsonNode meta = object.get("metadata");
        if (meta instanceof ObjectNode o) {
            return o;
        }
        return object.putObject("metadata");
    }

    public static String name(ObjectNode object) {
        return text(object, "name");
    }

    public static String namespace(ObjectNode object) {
        return text(object, "namespace");
    }

    public static String uid(ObjectNode object) {
        return text(object, "uid");
    }

    public static long resourceVersion(ObjectNode object) {
        String rv = text(object, "resourceVersion");
        return rv.isEmpty() ? 0 : Long.parseLong(rv);
    }

    public static boolean deleting(ObjectNode object) {
        return object.path("metadata").hasNonNull("deletionTimestamp");
    }

    public static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new LinkedHashMap<>();
        object.path("metadata").path("labels").properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    public static boolean hasFinalizer(ObjectNode object, String finalizer) {
        for (JsonNode f : object.path("metadata").path("finalizers")) {
            if (finalizer.equals(f.asText())) {
                return true;
            }
        }
        return false;
    }

    public static void removeFinalizer(ObjectNode object, String finalizer) {
        JsonNode finalizers = metadata(object).get("finalizers");
        if (finalizers == null || !finalizers.isArray()) {
            return;
        }
        var kept = metadata(object).arrayNode();
        finalizers.forEach(f -> {
            if (!finalizer.equals(f.asText())) {
                kept.add(f);
            }
        });
        if (kept.isEmpty()) {
            metadata(object).remove("finalizers");
        } else {
            metadata(object).set("finalizers", kept);
        }
    }

    public static void addFinalizer(ObjectNode object, String finalizer) {
        if (!hasFinalizer(object, finalizer)) {
            metadata(object).withArray("finalizers").add(finalizer);
        }
    }

    public static boolean hasFinalizers(ObjectNode object) {
        return object.path("metadata").path("finalizers").size() > 0;
    }

    private static String text(ObjectNode object, String field) {
        return object.path("metadata").path(field).asText("");
    }
}
