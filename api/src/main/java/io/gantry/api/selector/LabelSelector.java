package io.gantry.api.selector;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.ApiException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A label selector: either a conjunction of {@link Requirement}s (none = everything) or the selector that matches
 * nothing. {@link #toString()} is Kubernetes' canonical text form (requirements sorted by key, set values sorted),
 * which is also what {@code kubectl get -o wide} shows in SELECTOR columns.
 */
public sealed interface LabelSelector permits LabelSelector.AllOf, LabelSelector.Nothing {

    boolean matches(Map<String, String> labels);

    /** True when the selector does not restrict anything. */
    boolean isEverything();

    /** Canonical text form; "" for both everything and nothing, as in Kubernetes. */
    @Override
    String toString();

    /** All requirements hold. An empty list matches every label set. */
    record AllOf(List<Requirement> requirements) implements LabelSelector {
        public AllOf {
            requirements = List.copyOf(requirements);
        }

        @Override
        public boolean matches(Map<String, String> labels) {
            Map<String, String> l = labels == null ? Map.of() : labels;
            for (Requirement r : requirements) {
                if (!r.matches(l)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean isEverything() {
            return requirements.isEmpty();
        }

        @Override
        public String toString() {
            return String.join(",", requirements.stream().map(Requirement::toString).toList());
        }
    }

    /** Matches no label set; what Kubernetes makes of a missing ({@code null}) metav1.LabelSelector. */
    record Nothing() implements LabelSelector {
        @Override
        public boolean matches(Map<String, String> labels) {
            return false;
        }

        @Override
        public boolean isEverything() {
            return false;
        }

        @Override
        public String toString() {
            return "";
        }
    }

    static LabelSelector everything() {
        return new AllOf(List.of());
    }

    static LabelSelector nothing() {
        return new Nothing();
    }

    /**
     * Parses kubectl syntax: {@code a=b}, {@code a==b}, {@code a!=b}, {@code a in (x,y)}, {@code a notin (x)},
     * {@code a}, {@code !a}, {@code a>1}, {@code a<1}; comma means AND. Blank text selects everything.
     *
     * @throws ApiException 400 with Kubernetes' message ("unable to parse requirement: ...", "found '...', expected: ...")
     */
    static LabelSelector parse(String text) {
        return LabelSelectorParser.parse(text);
    }

    /**
     * Exact-match selector for a label map such as a Service's {@code spec.selector}. Like Kubernetes'
     * SelectorFromSet, {@code null} or an empty map gives everything; values are not validated.
     */
    static LabelSelector fromMap(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return everything();
        }
        List<Requirement> requirements = new ArrayList<>();
        new TreeMap<>(labels).forEach((k, v) -> requirements.add(new Requirement(k, Operator.EQUALS, List.of(v))));
        return new AllOf(requirements);
    }

    /**
     * Converts a {@code metav1.LabelSelector} ({@code matchLabels} and {@code matchExpressions} with In, NotIn,
     * Exists, DoesNotExist) the way Kubernetes' LabelSelectorAsSelector does:
     * <ul>
     *   <li>{@code null}, a missing node or JSON null selects <em>nothing</em>;</li>
     *   <li>an empty object {@code {}} selects <em>everything</em> (so a workload or NetworkPolicy with an empty
     *       selector matches every pod, while one without a selector matches none).</li>
     * </ul>
     *
     * @throws ApiException 400 for an unknown operator or invalid keys/values
     */
    static LabelSelector fromJson(JsonNode metaV1LabelSelector) {
        JsonNode node = metaV1LabelSelector;
        if (node == null || node.isMissingNode() || node.isNull()) {
            return nothing();
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("label selector must be an object");
        }
        List<Requirement> requirements = new ArrayList<>();
        JsonNode matchLabels = node.path("matchLabels");
        if (matchLabels.isObject()) {
            matchLabels.properties().forEach(e ->
                    requirements.add(Requirement.of(e.getKey(), Operator.EQUALS, List.of(e.getValue().asText()))));
        }
        for (JsonNode expression : node.path("matchExpressions")) {
            String operatorName = expression.path("operator").asText();
            Operator operator = switch (operatorName) {
                case "In" -> Operator.IN;
                case "NotIn" -> Operator.NOT_IN;
                case "Exists" -> Operator.EXISTS;
                case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                default -> throw ApiException.badRequest(Requirement.quote(operatorName)
                        + " is not a valid label selector operator");
            };
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            requirements.add(Requirement.of(expression.path("key").asText(), operator, values));
        }
        requirements.sort(Comparator.comparing(Requirement::key));
        return new AllOf(requirements);
    }
}
