package io.gantry.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.PreResult;
import io.gantry.scheduler.framework.ScorePlugin;

import java.util.List;

/** spec.nodeSelector and required node affinity filter; preferred node affinity terms add their weights. */
public final class NodeAffinity implements FilterPlugin, ScorePlugin {
    public static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    @Override
    public String name() {
        return "NodeAffinity";
    }

    @Override
    public PreResult preFilter(CycleState state, PodInfo pod, ClusterView cluster) {
        boolean selects = !pod.spec().path("nodeSelector").isEmpty()
                || pod.affinity().path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution").isObject();
        return selects ? PreResult.RUN : PreResult.SKIP;
    }

    @Override
    public FilterResult filter(CycleState state, PodInfo pod, NodeInfo node) {
        return matches(pod, node) ? FilterResult.FIT : FilterResult.unfit(REASON);
    }

    /** Whether the node satisfies the pod's node selector and required node affinity. */
    public static boolean matches(PodInfo pod, NodeInfo node) {
        JsonNode selector = pod.spec().path("nodeSelector");
        for (var it = selector.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().asText().equals(node.labels().get(e.getKey()))) {
                return false;
            }
        }
        JsonNode required = pod.affinity().path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution");
        if (required.isObject()) {
            return NodeSelectorTerms.anyMatches(required.path("nodeSelectorTerms"), node);
        }
        return true;
    }

    @Override
    public PreResult preScore(CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterView cluster) {
        return pod.affinity().path("nodeAffinity").path("preferredDuringSchedulingIgnoredDuringExecution").isEmpty()
                ? PreResult.SKIP : PreResult.RUN;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long total = 0;
        for (JsonNode p : pod.affinity().path("nodeAffinity").path("preferredDuringSchedulingIgnoredDuringExecution")) {
            if (NodeSelectorTerms.termMatches(p.path("preference"), node)) {
                total += p.path("weight").asLong(0);
            }
        }
        return total;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        ScorePlugin.defaultNormalize(scores, false);
    }
}
