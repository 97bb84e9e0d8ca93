package io.gantry.api.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * kube-apiserver's DefaultTolerationSeconds admission: every pod tolerates the NoExecute taints
 * {@code node.kubernetes.io/not-ready} and {@code node.kubernetes.io/unreachable} for a while, so the node
 * lifecycle controller evicts it only when its node has been unhealthy that long. A pod that already tolerates
 * a taint (by key or with an empty key, for NoExecute or any effect) keeps its own toleration.
 *
 * @param notReadySeconds    {@code --default-not-ready-toleration-seconds} (Kubernetes: 300)
 * @param unreachableSeconds {@code --default-unreachable-toleration-seconds} (Kubernetes: 300)
 */
public record DefaultTolerationSeconds(long notReadySeconds, long unreachableSeconds) {
    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    /** Kubernetes' defaults: five minutes each. */
    public static final DefaultTolerationSeconds DEFAULTS = new DefaultTolerationSeconds(300, 300);

    public DefaultTolerationSeconds {
        if (notReadySeconds < 0 || unreachableSeconds < 0) {
            throw new IllegalArgumentException("toleration seconds must not be negative");
        }
    }

    /** Adds the tolerations the pod lacks, in place. */
    public void admit(ObjectNode pod) {
        ObjectNode spec = Trees.object(pod, "spec");
        addUnlessTolerated(spec, NOT_READY, notReadySeconds);
        addUnlessTolerated(spec, UNREACHABLE, unreachableSeconds);
    }

    private static void addUnlessTolerated(ObjectNode spec, String key, long seconds) {
        JsonNode existing = spec.get("tolerations");
        if (existing instanceof ArrayNode list) {
            for (JsonNode t : list) {
                String k = Trees.text(t, "key");
                String effect = Trees.text(t, "effect");
                if ((k.equals(key) || k.isEmpty()) && (effect.equals("NoExecute") || effect.isEmpty())) {
                    return;
                }
            }
        }
        ArrayNode list = existing instanceof ArrayNode a ? a : spec.putArray("tolerations");
        ObjectNode t = list.addObject();
        t.put("key", key);
        t.put("operator", "Exists");
        t.put("effect", "NoExecute");
        if (seconds == (int) seconds) {
            t.put("tolerationSeconds", (int) seconds);
        } else {
            t.put("tolerationSeconds", seconds);
        }
    }
}
