package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.PreResult;
import io.gantry.scheduler.framework.ScorePlugin;
import io.gantry.scheduler.framework.ScoringStrategy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gantry.scheduler.framework.Fixtures.node;
import static io.gantry.scheduler.framework.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

/** Plugins sit out a pod they have nothing to decide for (Kubernetes' Skip), and only then. */
class PreResultTest {
    private final NodeInfo a = node("a", "{'zone':'a'}");
    private final NodeInfo b = node("b", "{'zone':'b'}");
    private final ClusterView cluster = ClusterView.of(List.of(a, b));
    private final PodInfo plain = pod("plain", "{'containers':[{'name':'c'}]}");

    private PreResult filters(FilterPlugin plugin, PodInfo p) {
        return plugin.preFilter(new CycleState(), p, cluster);
    }

    private PreResult scores(ScorePlugin plugin, PodInfo p) {
        return plugin.preScore(new CycleState(), p, cluster.nodes(),
                cluster);
    }

    @Test
    void aPlainPodSkipsEveryPluginWithNothingToCheck() {
        assertThat(filters(new NodeAffinity(), plain)).isEqualTo(PreResult.SKIP);
        assertThat(filters(new NodePorts(), plain)).isEqualTo(PreResult.SKIP);
        assertThat(filters(new InterPodAffinity(), plain)).isEqualTo(PreResult.SKIP);
        assertThat(filters(new PodTopologySpread(), plain)).isEqualTo(PreResult.SKIP);
        assertThat(scores(new NodeAffinity(), plain)).isEqualTo(PreResult.SKIP);
        assertThat(scores(new InterPodAffinity(), plain)).isEqualTo(PreResult.SKIP);
        assertThat(scores(new PodTopologySpread(), plain)).isEqualTo(PreResult.SKIP);
        // resources, taints and cordons depend on the node alone: they always run
        assertThat(filters(new NodeResourcesFit(ScoringStrategy.LEAST_ALLOCATED), plain))
                .isEqualTo(PreResult.RUN);
        assertThat(filters(new TaintToleration(), plain)).isEqualTo(PreResult.RUN);
        assertThat(filters(new NodeUnschedulable(), plain)).isEqualTo(PreResult.RUN);
    }

    @Test
    void whatThePodAsksForMakesThePluginRun() {
        assertThat(filters(new NodeAffinity(), pod("p", "{'nodeSelector':{'zone':'a'}}"))).isEqualTo(PreResult.RUN);
        assertThat(filters(new NodeAffinity(), pod("p", "{'affinity':{'nodeAffinity':{"
                + "'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[]}}}}")))
                .isEqualTo(PreResult.RUN);
        assertThat(scores(new NodeAffinity(), pod("p", "{'affinity':{'nodeAffinity':{"
                + "'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':1,'preference':{}}]}}}")))
                .isEqualTo(PreResult.RUN);
        assertThat(filters(new NodePorts(), pod("p", "{'containers':[{'name':'c','ports':[{'containerPort':80,"
                + "'hostPort':8080}]}]}"))).isEqualTo(PreResult.RUN);
        String spread = "{'topologySpreadConstraints':[{'maxSkew':1,'topologyKey':'zone','whenUnsatisfiable':'%s',"
                + "'labelSelector':{'matchLabels':{'app':'x'}}}]}";
        assertThat(filters(new PodTopologySpread(), pod("p", spread.formatted("DoNotSchedule"))))
                .isEqualTo(PreResult.RUN);
        assertThat(scores(new PodTopologySpread(), pod("p", spread.formatted("DoNotSchedule"))))
                .isEqualTo(PreResult.SKIP);
        assertThat(scores(new PodTopologySpread(), pod("p", spread.formatted("ScheduleAnyway"))))
                .isEqualTo(PreResult.RUN);
        assertThat(filters(new InterPodAffinity(), pod("p", "{'affinity':{'podAntiAffinity':{"
                + "'requiredDuringSchedulingIgnoredDuringExecution':[{'labelSelector':{'matchLabels':{'app':'x'}},"
                + "'topologyKey':'zone'}]}}}"))).isEqualTo(PreResult.RUN);
    }

    @Test
    void anExistingPodsAntiAffinityTowardThePodMakesInterPodAffinityRun() {
        a.addPod(pod("guard", "{}", "{'affinity':{'podAntiAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                + "[{'labelSelector':{'matchLabels':{'app':'web'}},'topologyKey':'zone'}]}}}").assignedTo("a"));
        assertThat(filters(new InterPodAffinity(), pod("web", "{'app':'web'}", "{}"))).isEqualTo(PreResult.RUN);
        assertThat(filters(new InterPodAffinity(), pod("db", "{'app':'db'}", "{}"))).isEqualTo(PreResult.SKIP);
    }
}
