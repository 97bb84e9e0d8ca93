package io.gantry.scheduler.framework;

import io.gantry.api.selector.LabelSelector;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** What plugins may look at beyond one node: all nodes (with their pods) and namespace labels. */
public interface ClusterView {
    List<NodeInfo> nodes();

    /**
     * The values of {@link #nodes()} in columns, slot i for node i, or null; decisions read them instead of the
     * nodes where they can (see {@link NodeColumns}).
     */
    default NodeColumns columns() {
        return null;
    }

    /** The nodes running a pod with (anti-)affinity terms: what inter-pod affinity has to look at for most pods. */
    default List<NodeInfo> nodesWithPodsWithAffinity() {
        return nodes().stream().filter(NodeInfo::hasPodsWithAffinity).toList();
    }

    Map<String, String> namespaceLabels(String namespace);

    /**
     * Kubernetes' DefaultSelector: what the Services selecting the pod and its controlling ReplicaSet, StatefulSet
     * or ReplicationController select, as one selector; empty when nothing selects the pod. System-default
     * topology spreading spreads the pods it matches.
     */
    default Optional<LabelSelector> ownerSelector(PodInfo pod) {
        return Optional.empty();
    }

    /**
     * Per node of {@link #nodes()}: its pods in the namespace, not terminating, that the selector matches; nodes
     * without any are left out. This walks every node's pods; the scheduler's cache answers from an index.
     */
    default Map<NodeInfo, Integer> matchingPodsByNode(LabelSelector selector, String namespace) {
        Map<NodeInfo, Integer> counts = new HashMap<>();
        for (NodeInfo node : nodes()) {
            int matching = node.matchingPods(selector, namespace);
            if (matching > 0) {
                counts.put(node, matching);
            }
        }
        return counts;
    }

    static ClusterView of(List<NodeInfo> nodes) {
        return of(nodes, pod -> Optional.empty());
    }

    /** Nodes without namespace labels, where {@code ownerSelectors} says what selects each pod. */
    static ClusterView of(List<NodeInfo> nodes, Function<PodInfo, Optional<LabelSelector>> ownerSelectors) {
        return new ClusterView() {
            @Override
            public List<NodeInfo> nodes() {
                return nodes;
            }

            @Override
            public Map<String, String> namespaceLabels(String namespace) {
                return Map.of();
            }

            @Override
            public Optional<LabelSelector> ownerSelector(PodInfo pod) {
                return ownerSelectors.apply(pod);
            }
        };
    }
}
