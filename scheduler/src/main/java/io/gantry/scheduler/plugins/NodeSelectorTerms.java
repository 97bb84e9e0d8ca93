package io.gantry.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.scheduler.framework.NodeInfo;

import java.util.Map;

/** Kubernetes' NodeSelectorTerm matching: terms are ORed, expressions within a term ANDed. */
final class NodeSelectorTerms {
    private NodeSelectorTerms() {
    }

    /** True when any term matches; no terms at all match nothing. */
    static boolean anyMatches(JsonNode terms, NodeInfo node) {
        for (JsonNode term : terms) {
            if (termMatches(term, node)) {
                return true;
            }
        }
        return false;
    }

    /** A term without expressions and fields matches no node, as in Kubernetes. */
    static boolean termMatches(JsonNode term, NodeInfo node) {
        JsonNode expressions = term.path("matchExpressions");
        JsonNode fields = term.path("matchFields");
        if (expressions.isEmpty() && fields.isEmpty()) {
            return false;
        }
        for (JsonNode e : expressions) {
            if (!requirementMatches(e, node.labels())) {
                return false;
            }
        }
        for (JsonNode f : fields) {
            if (!f.path("key").asText().equals("metadata.name")
                    || !requirementMatches(f, Map.of("metadata.name", node.name()))) {
                return false;
            }
        }
        return true;
    }

    static boolean requirementMatches(JsonNode expression, Map<String, String> labels) {
        String key = expression.path("key").asText();
        String value = labels.get(key);
        JsonNode values = expression.path("values");
        return switch (expression.path("operator").asText()) {
            case "In" -> value != null && contains(values, value);
            case "NotIn" -> value == null || !contains(values, value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt" -> value != null && values.size() == 1 && compare(value, values.get(0).asText()) > 0;
            case "Lt" -> value != null && values.size() == 1 && compare(value, values.get(0).asText()) < 0;
            default -> false;
        };
    }

    private static boolean contains(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** Integer comparison; a label that is not an integer matches neither Gt nor Lt. */
    private static int compare(String label, String bound) {
        try {
            return Long.compare(Long.parseLong(label), Long.parseLong(bound));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
