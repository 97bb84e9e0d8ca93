package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.ScoringStrategy;
import org.junit.jupiter.api.Test;

import static io.gantry.scheduler.framework.Fixtures.node;
import static io.gantry.scheduler.framework.Fixtures.pod;
import static io.gantry.scheduler.framework.Fixtures.requesting;
import static org.assertj.core.api.Assertions.assertThat;

class NodeResourcesFitTest {
    private final NodeResourcesFit fit = new NodeResourcesFit(ScoringStrategy.LEAST_ALLOCATED);
    private final CycleState state = new CycleState();

    @Test
    void requestsAreComparedWithWhatIsLeft() {
        NodeInfo node = node("n", "2", "4Gi", 110, "{}", "{}");
        assertThat(fit.filter(state, requesting("a", "1500m", "1Gi"), node).fits()).isTrue();
        node.addPod(requesting("a", "1500m", "1Gi").assignedTo("n"));
        assertThat(fit.filter(state, requesting("b", "600m", "1Gi"), node).reasons()).containsExactly("Insufficient cpu");
        assertThat(fit.filter(state, requesting("c", "100", "5Gi"), node).reasons())
                .containsExactly("Insufficient cpu", "Insufficient memory");
        node.removePod("default/a");
        assertThat(fit.filter(state, requesting("b", "600m", "1Gi"), node).fits()).isTrue();
    }

    @Test
    void podCountExtendedResourcesAndInitContainers() {
        NodeInfo node = node("n", "2", "4Gi", 1, "{}", "{}");
        node.addPod(pod("a", "{'containers':[{'name':'c'}]}").assignedTo("n"));
        assertThat(fit.filter(state, pod("b", "{'containers':[{'name':'c'}]}"), node).reasons())
                .containsExactly("Too many pods");

        NodeInfo empty = node("e", "2", "4Gi", 10, "{}", "{}");
        PodInfo gpu = pod("g", "{'containers':[{'name':'c','resources':{'limits':{'example.com/gpu':'1'}}}]}");
        assertThat(fit.filter(state, gpu, empty).reasons()).containsExactly("Insufficient example.com/gpu");

        // init containers run one at a time: the largest counts, not the sum
        PodInfo init = pod("i", "{'containers':[{'name':'c','resources':{'requests':{'cpu':'500m'}}}],"
                + "'initContainers':[{'name':'i1','resources':{'requests':{'cpu':'1500m'}}},"
                + "{'name':'i2','resources':{'requests':{'cpu':'1'}}}]}");
        assertThat(init.requests().milliCpu).isEqualTo(1500);
        assertThat(fit.filter(state, init, empty).fits()).isTrue();
    }

    @Test
    void strategiesRankEmptyAndFullNodes() {
        NodeInfo empty = node("empty", "4", "8Gi", 110, "{}", "{}");
        NodeInfo busy = node("busy", "4", "8Gi", 110, "{}", "{}");
        busy.addPod(requesting("x", "3", "6Gi").assignedTo("busy"));
        PodInfo p = requesting("p", "500m", "1Gi");
        assertThat(fit.score(state, p, empty)).isGreaterThan(fit.score(state, p, busy));
        NodeResourcesFit most = new NodeResourcesFit(ScoringStrategy.MOST_ALLOCATED);
        assertThat(most.score(state, p, busy)).isGreaterThan(most.score(state, p, empty));
        NodeResourcesFit balanced = new NodeResourcesFit(ScoringStrategy.BALANCED_ALLOCATION);
        NodeInfo skewed = node("skewed", "4", "8Gi", 110, "{}", "{}");
        skewed.addPod(requesting("y", "3500m", "100Mi").assignedTo("skewed"));
        assertThat(balanced.score(state, p, empty)).isGreaterThan(balanced.score(state, p, skewed));
    }
}
