package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.ScoringStrategy;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

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

    @Test
    void scoresDivideExactlyAsKubernetesInt64Arithmetic() {
        long[] capacities = {1, 3, 7, 100, 999, 1000, 2000, 8000, 96_000, 1L << 30, 34_359_738_368L,
                NodeResourcesFit.EXACT_IN_DOUBLE - 1, NodeResourcesFit.EXACT_IN_DOUBLE,
                NodeResourcesFit.EXACT_IN_DOUBLE + 1, Long.MAX_VALUE / 200};
        for (long capacity : capacities) {
            for (long part : new long[] {0, 1, capacity / 3, capacity / 2, capacity - 1, capacity}) {
                assertThat(NodeResourcesFit.outOfMaxScore(part, capacity)).as("%d of %d", part, capacity)
                        .isEqualTo(part * 100 / capacity);
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000_000; i++) {
            // capacities of every size below the limit, and quotients just below whole numbers
            long capacity = 1 + random.nextLong(1L << random.nextInt(1, 47));
            long part = random.nextBoolean() ? random.nextLong(capacity + 1)
                    : Math.max(0, (capacity * random.nextInt(1, 101) - random.nextInt(1, 3)) / 100);
            if (NodeResourcesFit.outOfMaxScore(part, capacity) != part * 100 / capacity) {
                assertThat(NodeResourcesFit.outOfMaxScore(part, capacity)).as("%d of %d", part, capacity)
                        .isEqualTo(part * 100 / capacity);
            }
        }
    }

    @Test
    void freeAmountsFollowPodsAndNodeUpdates() {
        NodeInfo node = node("n", "2", "4Gi", 3, "{}", "{}");
        assertThat(node.freeMilliCpu()).isEqualTo(2000);
        assertThat(node.freeMemory()).isEqualTo(4L << 30);
        assertThat(node.freePods()).isEqualTo(3);
        node.addPod(requesting("a", "500m", "1Gi").assignedTo("n"));
        node.addPod(requesting("a", "700m", "1Gi").assignedTo("n"));
        assertThat(node.freeMilliCpu()).as("a replaced pod counts once").isEqualTo(1300);
        assertThat(node.freePods()).isEqualTo(2);
        node.setNode(node("n", "4", "8Gi", 5, "{}", "{}").node());
        assertThat(node.freeMilliCpu()).as("a node update keeps its pods' requests").isEqualTo(3300);
        assertThat(node.freeMemory()).isEqualTo((8L << 30) - (1L << 30));
        assertThat(node.freePods()).isEqualTo(4);
        assertThat(node.allocatableMilliCpu()).isEqualTo(node.allocatable().milliCpu);
        assertThat(node.allocatableMemory()).isEqualTo(node.allocatable().memory);
        node.removePod("default/a");
        assertThat(node.freeMilliCpu()).isEqualTo(4000);
        assertThat(node.freePods()).isEqualTo(5);
        assertThat(node.freeEphemeralStorage()).isEqualTo(node.allocatable().ephemeralStorage);
    }
}
