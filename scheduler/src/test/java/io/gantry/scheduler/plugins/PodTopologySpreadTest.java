package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gantry.scheduler.framework.Fixtures.node;
import static io.gantry.scheduler.framework.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class PodTopologySpreadTest {
    private final PodTopologySpread plugin = new PodTopologySpread();
    private final NodeInfo a1 = node("a1", "{'zone':'a'}");
    private final NodeInfo a2 = node("a2", "{'zone':'a'}");
    private final NodeInfo b1 = node("b1", "{'zone':'b'}");
    private final NodeInfo bare = node("bare", "{}");
    private final ClusterView cluster = ClusterView.of(List.of(a1, a2, b1, bare));

    private static PodInfo spread(String name, String when) {
        return pod(name, "{'app':'web'}", "{'topologySpreadConstraints':[{'maxSkew':1,'topologyKey':'zone',"
                + "'whenUnsatisfiable':'" + when + "','labelSelector':{'matchLabels':{'app':'web'}}}]}");
    }

    @Test
    void doNotScheduleKeepsTheSkewWithinMaxSkew() {
        a1.addPod(pod("w0", "{'app':'web'}", "{}").assignedTo("a1"));
        PodInfo p = spread("w1", "DoNotSchedule");
        CycleState state = new CycleState();
        plugin.preFilter(state, p, cluster);
        // zone a has 1, zone b 0: another in a would make the skew 2
        assertThat(plugin.filter(state, p, a2).reasons()).containsExactly(PodTopologySpread.REASON);
        assertThat(plugin.filter(state, p, b1).fits()).isTrue();
        assertThat(plugin.filter(state, p, bare).reasons()).containsExactly(PodTopologySpread.MISSING_LABEL);
        assertThat(PodTopologySpread.REASON).isEqualTo("node(s) didn't match pod topology spread constraints");

        b1.addPod(pod("w1", "{'app':'web'}", "{}").assignedTo("b1"));
        CycleState again = new CycleState();
        plugin.preFilter(again, p, cluster);
        assertThat(plugin.filter(again, p, a2).fits()).isTrue();
    }

    @Test
    void scheduleAnywayPrefersTheEmptierDomain() {
        a1.addPod(pod("w0", "{'app':'web'}", "{}").assignedTo("a1"));
        a2.addPod(pod("w1", "{'app':'web'}", "{}").assignedTo("a2"));
        PodInfo p = spread("w2", "ScheduleAnyway");
        CycleState state = new CycleState();
        List<NodeInfo> nodes = List.of(a1, a2, b1);
        plugin.preScore(state, p, nodes, cluster);
        long[] scores = nodes.stream().mapToLong(n -> plugin.score(state, p, n)).toArray();
        plugin.normalize(state, p, scores);
        assertThat(scores[2]).isEqualTo(100);
        assertThat(scores[0]).isLessThan(scores[2]).isEqualTo(scores[1]);
    }
}
