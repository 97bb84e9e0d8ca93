package io.gantry.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** A pod toleration, matched against taints as Kubernetes' Toleration.ToleratesTaint does. */
public record Toleration(String key, String operator, String value, String effect) {
    public static List<Toleration> of(JsonNode tolerations) {
        List<Toleration> out = new ArrayList<>();
        for (JsonNode t : tolerations) {
            out.add(new Toleration(t.path("key").asText(""), t.path("operator").asText("Equal"),
                    t.path("value").asText(""), t.path("effect").asText("")));
        }
        return out;
    }

    public boolean tolerates(Taint taint) {
        if (!effect.isEmpty() && !effect.equals(taint.effect())) {
            return false;
        }
        if (key.isEmpty()) {
            // An empty key with Exists tolerates everything; with Equal it tolerates nothing.
            return operator.equals("Exists");
        }
        if (!key.equals(taint.key())) {
            return false;
        }
        return operator.equals("Exists") || value.equals(taint.value());
    }

    public static boolean tolerated(List<Toleration> tolerations, Taint taint) {
        for (Toleration t : tolerations) {
            if (t.tolerates(taint)) {
                return true;
            }
        }
        return false;
    }
}
