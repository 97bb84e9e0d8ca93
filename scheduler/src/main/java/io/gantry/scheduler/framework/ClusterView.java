package io.gantry.scheduler.framework;

import java.util.List;
import java.util.Map;

/** What plugins may look at beyond one node: all nodes (with their pods) and namespace labels. */
public interface ClusterView {
    List<NodeInfo> nodes();

    /** The nodes running a pod with (anti-)affinity terms: what inter-pod affinity has to look at for most pods. */
    default List<NodeInfo> nodesWithPodsWithAffinity() {
        return nodes().stream().filter(NodeInfo::hasPodsWithAffinity).toList();
    }

    Map<String, String> namespaceLabels(String namespace);

    static ClusterView of(List<NodeInfo> nodes) {
        return new ClusterView() {
            @Override
            public List<NodeInfo> nodes() {
                return nodes;
            }

            @Override
            public Map<String, String> namespaceLabels(String namespace) {
                return Map.of();
            }
        };
    }
}
