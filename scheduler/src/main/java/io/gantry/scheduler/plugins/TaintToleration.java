package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.ScorePlugin;
import io.gantry.scheduler.framework.Taint;
import io.gantry.scheduler.framework.Toleration;

/**
 * NoSchedule and NoExecute taints must be tolerated; fewer untolerated PreferNoSchedule taints score higher.
 * Nodes that are not Ready carry the not-ready taint (see {@link NodeInfo}), so they are refused here.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {
    @Override
    public String name() {
        return "TaintToleration";
    }

    @Override
    public FilterResult filter(CycleState state, PodInfo pod, NodeInfo node) {
        for (Taint t : node.taints()) {
            if ((t.effect().equals("NoSchedule") || t.effect().equals("NoExecute"))
                    && !Toleration.tolerated(pod.tolerations(), t)) {
                return FilterResult.unfit("node(s) had untolerated taint " + t.describe());
            }
        }
        return FilterResult.FIT;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long count = 0;
        for (Taint t : node.taints()) {
            if (t.effect().equals("PreferNoSchedule") && !Toleration.tolerated(pod.tolerations(), t)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        ScorePlugin.defaultNormalize(scores, true);
    }
}
