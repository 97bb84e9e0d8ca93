package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import static io.gantry.scheduler.framework.Fixtures.node;
import static io.gantry.scheduler.framework.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodeAffinityTest {
    private final NodeAffinity plugin = new NodeAffinity();
    private final CycleState state = new CycleState();
    private final NodeInfo a = node("node-a", "{'zone':'a','cores':'8','ssd':'true'}");
    private final NodeInfo b = node("node-b", "{'zone':'b','cores':'2'}");

    private static PodInfo required(String expressions) {
        return pod("p", "{'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                + "{'nodeSelectorTerms':[" + expressions + "]}}}}");
    }

    private boolean fitsA(PodInfo p) {
        return plugin.filter(state, p, a).fits();
    }

    private boolean fitsB(PodInfo p) {
        return plugin.filter(state, p, b).fits();
    }

    @Test
    void nodeSelector() {
        PodInfo p = pod("p", "{'nodeSelector':{'zone':'b'}}");
        assertThat(fitsA(p)).isFalse();
        assertThat(fitsB(p)).isTrue();
        assertThat(plugin.filter(state, p, a).reasons()).containsExactly(NodeAffinity.REASON);
        assertThat(NodeAffinity.REASON).isEqualTo("node(s) didn't match Pod's node affinity/selector");
    }

    @Test
    void operators() {
        PodInfo in = required("{'matchExpressions':[{'key':'zone','operator':'In','values':['a','c']}]}");
        assertThat(fitsA(in)).isTrue();
        assertThat(fitsB(in)).isFalse();
        PodInfo notIn = required("{'matchExpressions':[{'key':'zone','operator':'NotIn','values':['a']}]}");
        assertThat(fitsA(notIn)).isFalse();
        assertThat(fitsB(notIn)).isTrue();
        PodInfo exists = required("{'matchExpressions':[{'key':'ssd','operator':'Exists'}]}");
        assertThat(fitsA(exists)).isTrue();
        assertThat(fitsB(exists)).isFalse();
        PodInfo absent = required("{'matchExpressions':[{'key':'ssd','operator':'DoesNotExist'}]}");
        assertThat(fitsA(absent)).isFalse();
        assertThat(fitsB(absent)).isTrue();
        PodInfo gt = required("{'matchExpressions':[{'key':'cores','operator':'Gt','values':['4']}]}");
        assertThat(fitsA(gt)).isTrue();
        assertThat(fitsB(gt)).isFalse();
        PodInfo lt = required("{'matchExpressions':[{'key':'cores','operator':'Lt','values':['4']}]}");
        assertThat(fitsA(lt)).isFalse();
        assertThat(fitsB(lt)).isTrue();
    }

    @Test
    void termsAreOredAndMatchFieldsSelectsByName() {
        PodInfo byName = required("{'matchFields':[{'key':'metadata.name','operator':'In','values':['node-b']}]}");
        assertThat(fitsA(byName)).isFalse();
        assertThat(fitsB(byName)).isTrue();
        PodInfo either = required("{'matchExpressions':[{'key':'zone','operator':'In','values':['a']}]},"
                + "{'matchExpressions':[{'key':'zone','operator':'In','values':['b']}]}");
        assertThat(fitsA(either)).isTrue();
        assertThat(fitsB(either)).isTrue();
        assertThat(fitsA(required("{}"))).isFalse();
    }

    @Test
    void preferredTermsScoreByWeight() {
        PodInfo p = pod("p", "{'affinity':{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':["
                + "{'weight':80,'preference':{'matchExpressions':[{'key':'zone','operator':'In','values':['b']}]}},"
                + "{'weight':20,'preference':{'matchExpressions':[{'key':'ssd','operator':'Exists'}]}}]}}}");
        long[] scores = {plugin.score(state, p, a), plugin.score(state, p, b)};
        assertThat(scores).containsExactly(20, 80);
        plugin.normalize(state, p, scores);
        assertThat(scores).containsExactly(25, 100);
    }
}
