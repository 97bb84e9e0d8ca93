package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.HostPort;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.PreResult;

/** A host port (per protocol and address) can be used by one pod per node. */
public final class NodePorts implements FilterPlugin {
    public static final String REASON = "node(s) didn't have free ports for the requested pod ports";

    @Override
    public String name() {
        return "NodePorts";
    }

    @Override
    public PreResult preFilter(CycleState state, PodInfo pod, ClusterView cluster) {
        return pod.hostPorts().isEmpty() ? PreResult.SKIP : PreResult.RUN;
    }

    @Override
    public FilterResult filter(CycleState state, PodInfo pod, NodeInfo node) {
        for (HostPort wanted : pod.hostPorts()) {
            for (HostPort used : node.usedPorts()) {
                if (wanted.conflicts(used)) {
                    return FilterResult.unfit(REASON);
                }
            }
        }
        return FilterResult.FIT;
    }
}
