package io.gantry.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.PodInfo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pod (anti-)affinity term resolved against the pod that declares it: with neither namespaces nor a
 * namespaceSelector it applies to that pod's namespace; an empty namespaceSelector means every namespace.
 */
record AffinityTerm(LabelSelector selector, Set<String> namespaces, LabelSelector namespaceSelector,
                    String topologyKey, long weight) {

    static List<AffinityTerm> required(PodInfo owner, String kind) {
        return parse(owner, owner.affinity().path(kind).path("requiredDuringSchedulingIgnoredDuringExecution"), false);
    }

    static List<AffinityTerm> preferred(PodInfo owner, String kind) {
        return parse(owner, owner.affinity().path(kind).path("preferredDuringSchedulingIgnoredDuringExecution"), true);
    }

    private static List<AffinityTerm> parse(PodInfo owner, JsonNode list, boolean weighted) {
        List<AffinityTerm> out = new ArrayList<>();
        for (JsonNode item : list) {
            JsonNode term = weighted ? item.path("podAffinityTerm") : item;
            Set<String> namespaces = new HashSet<>();
            term.path("namespaces").forEach(n -> namespaces.add(n.asText()));
            JsonNode nsSelector = term.path("namespaceSelector");
            LabelSelector nsSel = nsSelector.isObject() ? LabelSelector.fromJson(nsSelector) : null;
            if (namespaces.isEmpty() && nsSel == null) {
                namespaces.add(owner.namespace());
            }
            out.add(new AffinityTerm(LabelSelector.fromJson(term.path("labelSelector")), namespaces, nsSel,
                    term.path("topologyKey").asText(), weighted ? item.path("weight").asLong(0) : 1));
        }
        return out;
    }

    boolean matches(PodInfo pod, ClusterView cluster) {
        boolean nsMatch = namespaces.contains(pod.namespace())
                || (namespaceSelector != null && (namespaceSelector.isEverything()
                || namespaceSelector.matches(cluster.namespaceLabels(pod.namespace()))));
        return nsMatch && selector.matches(pod.labels());
    }
}
