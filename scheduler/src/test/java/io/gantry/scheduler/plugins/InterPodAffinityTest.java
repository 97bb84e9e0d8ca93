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

class InterPodAffinityTest {
    private final InterPodAffinity plugin = new InterPodAffinity();
    private final NodeInfo a1 = node("a1", "{'zone':'a','kubernetes.io/hostname':'a1'}");
    private final NodeInfo a2 = node("a2", "{'zone':'a','kubernetes.io/hostname':'a2'}");
    private final NodeInfo b1 = node("b1", "{'zone':'b','kubernetes.io/hostname':'b1'}");
    private final ClusterView cluster = ClusterView.of(List.of(a1, a2, b1));

    private static String term(String kind, String app, String key) {
        return "{'affinity':{'" + kind + "':{'requiredDuringSchedulingIgnoredDuringExecution':[{'labelSelector':"
                + "{'matchLabels':{'app':'" + app + "'}},'topologyKey':'" + key + "'}]}}}";
    }

    private List<String> fits(PodInfo p) {
        CycleState state = new CycleState();
        plugin.preFilter(state, p, cluster);
        return cluster.nodes().stream().filter(n -> plugin.filter(state, p, n).fits()).map(NodeInfo::name).toList();
    }

    private String reason(PodInfo p, NodeInfo node) {
        CycleState state = new CycleState();
        plugin.preFilter(state, p, cluster);
        return plugin.filter(state, p, node).reasons().getFirst();
    }

    @Test
    void antiAffinityKeepsPodsApartByTopology() {
        a1.addPod(pod("db-0", "{'app':'db'}", "{}").assignedTo("a1"));
        PodInfo byHost = pod("db-1", "{'app':'db'}", term("podAntiAffinity", "db", "kubernetes.io/hostname"));
        assertThat(fits(byHost)).containsExactly("a2", "b1");
        PodInfo byZone = pod("db-1", "{'app':'db'}", term("podAntiAffinity", "db", "zone"));
        assertThat(fits(byZone)).containsExactly("b1");
        assertThat(reason(byZone, a2)).isEqualTo("node(s) didn't match pod anti-affinity rules");
    }

    @Test
    void affinityFollowsMatchingPodsAndTheFirstPodMayGoAnywhere() {
        PodInfo web = pod("web", "{'app':'web'}", term("podAffinity", "cache", "zone"));
        assertThat(fits(web)).isEmpty();
        assertThat(reason(web, a1)).isEqualTo("node(s) didn't match pod affinity rules");
        b1.addPod(pod("cache-0", "{'app':'cache'}", "{}").assignedTo("b1"));
        assertThat(fits(web)).containsExactly("b1");
        PodInfo self = pod("cache-1", "{'app':'self'}", term("podAffinity", "self", "zone"));
        assertThat(fits(self)).containsExactly("a1", "a2", "b1");
    }

    @Test
    void existingPodsAntiAffinityRepelsTheIncomingPod() {
        a1.addPod(pod("loner", "{'app':'loner'}", term("podAntiAffinity", "noisy", "zone")).assignedTo("a1"));
        PodInfo noisy = pod("noisy", "{'app':'noisy'}", "{}");
        assertThat(fits(noisy)).containsExactly("b1");
        assertThat(reason(noisy, a2)).isEqualTo("node(s) didn't satisfy existing pods anti-affinity rules");
        // other namespaces are not affected by a term without namespaces
        PodInfo elsewhere = new PodInfo(io.gantry.scheduler.framework.Fixtures.json(
                "{'metadata':{'name':'n','namespace':'other','labels':{'app':'noisy'}},'spec':{}}"), 0);
        assertThat(fits(elsewhere)).containsExactly("a1", "a2", "b1");
    }

    @Test
    void preferredAffinityScoresTheZoneWithMatchingPods() {
        b1.addPod(pod("cache-0", "{'app':'cache'}", "{}").assignedTo("b1"));
        PodInfo p = pod("web", "{}", "{'affinity':{'podAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':"
                + "[{'weight':50,'podAffinityTerm':{'labelSelector':{'matchLabels':{'app':'cache'}},"
                + "'topologyKey':'zone'}}]}}}");
        CycleState state = new CycleState();
        plugin.preScore(state, p, cluster.nodes(), cluster);
        long[] scores = cluster.nodes().stream().mapToLong(n -> plugin.score(state, p, n)).toArray();
        plugin.normalize(state, p, scores);
        assertThat(scores).containsExactly(0, 0, 100);
    }
}
