package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.NodeInfo;
import org.junit.jupiter.api.Test;

import static io.gantry.scheduler.framework.Fixtures.json;
import static io.gantry.scheduler.framework.Fixtures.node;
import static io.gantry.scheduler.framework.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class TaintTolerationTest {
    private final TaintToleration plugin = new TaintToleration();
    private final CycleState state = new CycleState();
    private final NodeInfo tainted = node("t", "4", "8Gi", 110, "{}",
            "{'taints':[{'key':'dedicated','value':'gpu','effect':'NoSchedule'}]}");

    @Test
    void untoleratedTaintsAreReportedInKubernetesWording() {
        assertThat(plugin.filter(state, pod("p", "{}"), tainted).reasons())
                .containsExactly("node(s) had untolerated taint {dedicated: gpu}");
    }

    @Test
    void tolerationsByEqualExistsAndEmptyKey() {
        assertThat(plugin.filter(state, pod("p", "{'tolerations':[{'key':'dedicated','operator':'Equal',"
                + "'value':'gpu','effect':'NoSchedule'}]}"), tainted).fits()).isTrue();
        assertThat(plugin.filter(state, pod("p", "{'tolerations':[{'key':'dedicated','value':'cpu'}]}"), tainted)
                .fits()).isFalse();
        assertThat(plugin.filter(state, pod("p", "{'tolerations':[{'key':'dedicated','operator':'Exists'}]}"),
                tainted).fits()).isTrue();
        assertThat(plugin.filter(state, pod("p", "{'tolerations':[{'operator':'Exists'}]}"), tainted).fits()).isTrue();
        assertThat(plugin.filter(state, pod("p", "{'tolerations':[{'key':'dedicated','operator':'Exists',"
                + "'effect':'NoExecute'}]}"), tainted).fits()).isFalse();
    }

    @Test
    void nodeThatIsNotReadyCarriesTheNotReadyTaint() {
        NodeInfo notReady = NodeInfo.of(json("{'metadata':{'name':'nr'},'status':{'allocatable':{'cpu':'1'},"
                + "'conditions':[{'type':'Ready','status':'False'}]}}"));
        assertThat(plugin.filter(state, pod("p", "{}"), notReady).reasons())
                .containsExactly("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
    }

    @Test
    void fewerPreferNoScheduleTaintsScoreHigher() {
        NodeInfo prefer = node("p", "4", "8Gi", 110, "{}",
                "{'taints':[{'key':'a','effect':'PreferNoSchedule'},{'key':'b','effect':'PreferNoSchedule'}]}");
        NodeInfo clean = node("c", "{}");
        long[] scores = {plugin.score(state, pod("x", "{}"), prefer), plugin.score(state, pod("x", "{}"), clean)};
        plugin.normalize(state, pod("x", "{}"), scores);
        assertThat(scores).containsExactly(0, 100);
        assertThat(plugin.filter(state, pod("x", "{}"), prefer).fits()).isTrue();
    }
}
