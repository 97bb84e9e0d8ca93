package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.Taint;
import io.gantry.scheduler.framework.Toleration;

/** Refuses cordoned nodes (spec.unschedulable) unless the pod tolerates the unschedulable taint. */
public final class NodeUnschedulable implements FilterPlugin {
    static final Taint UNSCHEDULABLE = new Taint("node.kubernetes.io/unschedulable", "", "NoSchedule");
    public static final String REASON = "node(s) were unschedulable";

    @Override
    public String name() {
        return "NodeUnschedulable";
    }

    @Override
    public FilterResult filter(CycleState state, PodInfo pod, NodeInfo node) {
        if (node.unschedulable() && !Toleration.tolerated(pod.tolerations(), UNSCHEDULABLE)) {
            return FilterResult.unfit(REASON);
        }
        return FilterResult.FIT;
    }
}
