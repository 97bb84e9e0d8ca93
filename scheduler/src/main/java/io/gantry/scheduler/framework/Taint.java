package io.gantry.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** A node taint. */
public record Taint(String key, String value, String effect) {
    public static List<Taint> of(JsonNode taints) {
        List<Taint> out = new ArrayList<>();
        for (JsonNode t : taints) {
            out.add(new Taint(t.path("key").asText(""), t.path("value").asText(""), t.path("effect").asText("")));
        }
        return out;
    }

    /** Kubernetes' FailedScheduling wording: {@code {key: value}}. */
    public String describe() {
        return "{" + key + ": " + value + "}";
    }
}
