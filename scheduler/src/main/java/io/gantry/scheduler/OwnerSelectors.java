package io.gantry.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.selector.LabelSelector;
import io.gantry.api.selector.Operator;
import io.gantry.api.selector.Requirement;
import io.gantry.scheduler.framework.PodInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Kubernetes' DefaultSelector, which system-default topology spreading spreads by: the label maps of the Services
 * selecting the pod, merged, plus the selector of the ReplicaSet or StatefulSet that controls it. Gantry serves
 * no ReplicationControllers, so those are not looked up.
 */
final class OwnerSelectors {
    private final Function<String, Collection<ObjectNode>> servicesIn;
    private final BiFunction<String, String, Optional<ObjectNode>> replicaSet;
    private final BiFunction<String, String, Optional<ObjectNode>> statefulSet;

    /**
     * @param servicesIn  the Services of a namespace
     * @param replicaSet  a ReplicaSet by namespace and name
     * @param statefulSet a StatefulSet by namespace and name
     */
    OwnerSelectors(Function<String, Collection<ObjectNode>> servicesIn,
                   BiFunction<String, String, Optional<ObjectNode>> replicaSet,
                   BiFunction<String, String, Optional<ObjectNode>> statefulSet) {
        this.servicesIn = servicesIn;
        this.replicaSet = replicaSet;
        this.statefulSet = statefulSet;
    }

    Optional<LabelSelector> of(PodInfo pod) {
        // Services that select the pod cannot disagree on a label's value, so merging their maps loses nothing.
        Map<String, String> serviceLabels = new TreeMap<>();
        for (ObjectNode service : servicesIn.apply(pod.namespace())) {
            JsonNode selector = service.path("spec").path("selector");
            // a Service without a selector (its endpoints are managed by hand) selects no pod
            if (selector.isObject() && selectsPod(selector, pod)) {
                selector.properties().forEach(e -> serviceLabels.put(e.getKey(), e.getValue().asText()));
            }
        }
        List<Requirement> requirements = new ArrayList<>();
        serviceLabels.forEach((k, v) -> requirements.add(new Requirement(k, Operator.EQUALS, List.of(v))));
        controllerSelector(pod).ifPresent(s -> requirements.addAll(s.requirements()));
        return requirements.isEmpty() ? Optional.empty() : Optional.of(new LabelSelector.AllOf(requirements));
    }

    private static boolean selectsPod(JsonNode selector, PodInfo pod) {
        for (Map.Entry<String, JsonNode> e : selector.properties()) {
            if (!e.getValue().asText().equals(pod.labels().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The selector of the pod's controlling ReplicaSet or StatefulSet, when it has one that selects something. */
    private Optional<LabelSelector.AllOf> controllerSelector(PodInfo pod) {
        for (JsonNode ref : pod.pod().path("metadata").path("ownerReferences")) {
            if (!ref.path("controller").asBoolean(false) || !"apps/v1".equals(ref.path("apiVersion").asText())) {
                continue;
            }
            BiFunction<String, String, Optional<ObjectNode>> lookup = switch (ref.path("kind").asText()) {
                case "ReplicaSet" -> replicaSet;
                case "StatefulSet" -> statefulSet;
                default -> null;
            };
            if (lookup == null) {
                return Optional.empty();
            }
            return lookup.apply(pod.namespace(), ref.path("name").asText())
                    .map(OwnerSelectors::selectorOf)
                    .filter(LabelSelector.AllOf.class::isInstance)
                    .map(LabelSelector.AllOf.class::cast);
        }
        return Optional.empty();
    }

    /** As Kubernetes does, a selector that does not parse adds nothing (the API server validated it on write). */
    private static LabelSelector selectorOf(ObjectNode owner) {
        try {
            return LabelSelector.fromJson(owner.path("spec").path("selector"));
        } catch (ApiException e) {
            return LabelSelector.nothing();
        }
    }
}
