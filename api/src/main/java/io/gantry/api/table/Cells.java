package io.gantry.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.selector.LabelSelector;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Formatting helpers shared by the printers, each mirroring one Kubernetes printing convention. */
final class Cells {
    static final String NONE = "<none>";
    static final String UNSET = "<unset>";
    static final String UNKNOWN = "<unknown>";

    private Cells() {
    }

    /** Text of a scalar field, "" when absent. */
    static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : "";
    }

    static long number(JsonNode node) {
        return node.isNumber() ? node.asLong() : node.isTextual() ? parseLong(node.asText()) : 0;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String name(ObjectNode object) {
        return text(object.path("metadata").path("name"));
    }

    /** Parses RFC 3339 timestamps (with or without fractional seconds); null when absent or malformed. */
    static Instant instant(JsonNode node) {
        String s = text(node);
        if (s.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** translateTimestampSince: "&lt;unknown&gt;" for a zero timestamp, else the human age. */
    static String since(JsonNode timestamp, Instant now) {
        Instant t = instant(timestamp);
        return t == null ? UNKNOWN : Durations.humanAge(Duration.between(t, now));
    }

    static String age(ObjectNode object, Instant now) {
        return since(object.path("metadata").path("creationTimestamp"), now);
    }

    static boolean deleting(ObjectNode object) {
        return instant(object.path("metadata").path("deletionTimestamp")) != null;
    }

    /** labels.FormatLabels: sorted "k=v" pairs joined by ",", "&lt;none&gt;" when empty. */
    static String labels(JsonNode map) {
        Map<String, String> sorted = new TreeMap<>();
        map.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
        if (sorted.isEmpty()) {
            return NONE;
        }
        List<String> pairs = new ArrayList<>();
        sorted.forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(",", pairs);
    }

    /** metav1.FormatLabelSelector: canonical text, "&lt;none&gt;" when it is empty, "&lt;error&gt;" when invalid. */
    static String labelSelector(JsonNode selector) {
        try {
            String s = LabelSelector.fromJson(selector).toString();
            return s.isEmpty() ? NONE : s;
        } catch (ApiException e) {
            return "<error>";
        }
    }

    /** Comma separated container names and images, as in the wide CONTAINERS and IMAGES columns. */
    static List<String> containers(JsonNode podSpec) {
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode c : podSpec.path("containers")) {
            names.add(text(c.path("name")));
            images.add(text(c.path("image")));
        }
        return List.of(String.join(",", names), String.join(",", images));
    }

    /** "a,b,c + N more..." with at most {@code max} listed, as printers shorten long lists. */
    static String listWithMore(List<String> list, int total, int max, String whenEmpty) {
        String joined = String.join(",", list);
        if (total > max) {
            return joined + " + " + (total - max) + " more...";
        }
        return joined.isEmpty() ? whenEmpty : joined;
    }

    /** IntOrString as printed: numbers plain, strings as given. */
    static String intOrString(JsonNode node) {
        return node.isNumber() ? String.valueOf(node.asLong()) : text(node);
    }

    /** A status quantity: "&lt;unknown&gt;" when the status entry is missing, "0" when only the value is. */
    static String quantityOrUnknown(boolean statusPresent, JsonNode quantity) {
        if (!statusPresent) {
            return UNKNOWN;
        }
        String s = text(quantity);
        return s.isEmpty() ? "0" : s;
    }

    static String bool(boolean value) {
        return value ? "True" : "False";
    }
}
