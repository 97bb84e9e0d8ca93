package io.gantry.scheduler.plugins;

import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.PreResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

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

    @Test
    void scheduleAnywayScoresNodesWithoutTheKeyZero() {
        PodInfo p = spread("w0", "ScheduleAnyway");
        CycleState state = new CycleState();
        List<NodeInfo> nodes = List.of(a1, bare);
        plugin.preScore(state, p, nodes, cluster);
        long[] scores = nodes.stream().mapToLong(n -> plugin.score(state, p, n)).toArray();
        plugin.normalize(state, p, scores);
        assertThat(scores).containsExactly(100, 0);
    }

    /** Nodes as agents register them: named by the hostname label, some in a zone. */
    private static NodeInfo host(String name, String zone) {
        return node(name, zone == null ? "{'kubernetes.io/hostname':'" + name + "'}"
                : "{'kubernetes.io/hostname':'" + name + "','topology.kubernetes.io/zone':'" + zone + "'}");
    }

    /** A cluster where a ReplicaSet (or Service) selects app=web. */
    private static ClusterView selectingWeb(List<NodeInfo> nodes) {
        return ClusterView.of(nodes, pod -> pod.labels().containsKey("app")
                ? Optional.of(LabelSelector.parse("app=web")) : Optional.empty());
    }

    private long[] scores(PodInfo p, List<NodeInfo> feasible, ClusterView view) {
        CycleState state = new CycleState();
        assertThat(plugin.preScore(state, p, feasible, view)).isEqualTo(PreResult.RUN);
        long[] scores = feasible.stream().mapToLong(n -> plugin.score(state, p, n)).toArray();
        plugin.normalize(state, p, scores);
        return scores;
    }

    @Test
    void systemDefaultsSpreadWhatAControllerSelectsOverNodes() {
        NodeInfo n1 = host("n1", null);
        NodeInfo n2 = host("n2", null);
        NodeInfo n3 = host("n3", null);
        n1.addPod(pod("w0", "{'app':'web'}", "{}").assignedTo("n1"));
        n1.addPod(pod("w1", "{'app':'web'}", "{}").assignedTo("n1"));
        n2.addPod(pod("w2", "{'app':'web'}", "{}").assignedTo("n2"));
        n3.addPod(pod("other", "{'app':'db'}", "{}").assignedTo("n3"));
        List<NodeInfo> nodes = List.of(n1, n2, n3);

        long[] scores = scores(pod("w3", "{'app':'web'}", "{}"), nodes, selectingWeb(nodes));

        // hostname: weight w = ln(3 + 2); raw n1 = 2w + 2 = 5, n2 = w + 2 = 4, n3 = 2 (maxSkew 3 - 1); no node has
        // a zone. Normalized as 100 * (max + min - raw) / max.
        assertThat(scores).containsExactly(40, 60, 100);
    }

    @Test
    void systemDefaultsCountAZoneOverAllNodesButCreditOnlyNodesInIt() {
        NodeInfo a1 = host("a1", "a");
        NodeInfo a2 = host("a2", "a");
        NodeInfo b1 = host("b1", "b");
        NodeInfo loose = host("loose", null);
        // a1 is not feasible (full, say), yet its pods make zone a the fuller one
        a1.addPod(pod("w0", "{'app':'web'}", "{}").assignedTo("a1"));
        a1.addPod(pod("w1", "{'app':'web'}", "{}").assignedTo("a1"));
        List<NodeInfo> feasible = List.of(a2, b1, loose);

        long[] scores = scores(pod("w2", "{'app':'web'}", "{}"), feasible, selectingWeb(List.of(a1, a2, b1, loose)));

        // Both weights are ln(3 + 2) = 1.61 (three feasible hosts; zones a, b and none). a2 carries zone a's two
        // pods: 2 + (2 * 1.61 + 4) = 9; b1: 2 + 4 = 6. loose, in no zone, only gets the hostname term: 2. As in
        // Kubernetes, the maxSkew - 1 term of the zone constraint makes a zoned node score below an unzoned one.
        assertThat(scores).containsExactly(22, 55, 100);
    }

    @Test
    void noDefaultsForPodsNothingSelectsOrWithConstraintsOfTheirOwn() {
        List<NodeInfo> nodes = List.of(host("n1", null));
        ClusterView view = selectingWeb(nodes);
        assertThat(plugin.preScore(new CycleState(), pod("lone", "{'tier':'x'}", "{}"), nodes, view))
                .isEqualTo(PreResult.SKIP);
        // only hard constraints of its own: nothing to score, and the defaults do not apply either
        assertThat(plugin.preScore(new CycleState(), spread("w0", "DoNotSchedule"), nodes, view))
                .isEqualTo(PreResult.SKIP);
        assertThat(plugin.preFilter(new CycleState(), pod("w1", "{'app':'web'}", "{}"), view))
                .isEqualTo(PreResult.SKIP);
    }
}
