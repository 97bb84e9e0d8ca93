package io.gantry.scheduler;

import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gantry.scheduler.framework.Fixtures.json;
import static io.gantry.scheduler.framework.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

class PreemptionTest {
    private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(1L));

    private static PodInfo pod(String name, String cpu, int priority, String extra) {
        return new PodInfo(json("{'metadata':{'name':'" + name + "','namespace':'default'},'spec':{" + extra
                + "'containers':[{'name':'c','resources':{'requests':{'cpu':'" + cpu + "'}}}]}}"), priority);
    }

    @Test
    void evictsTheFewestLowerPriorityPodsAndSparesWhatItCan() {
        NodeInfo two = node("two", "2", "4Gi", 110, "{}", "{}");
        two.addPod(pod("a", "1", 0, "").assignedTo("two"));
        two.addPod(pod("b", "1", 0, "").assignedTo("two"));
        NodeInfo one = node("one", "2", "4Gi", 110, "{}", "{}");
        one.addPod(pod("c", "500m", 5, "").assignedTo("one"));
        one.addPod(pod("d", "1500m", 1, "").assignedTo("one"));
        NodeInfo important = node("important", "2", "4Gi", 110, "{}", "{}");
        important.addPod(pod("e", "2", 100, "").assignedTo("important"));

        var result = (SchedulingAlgorithm.Unschedulable) algorithm.schedule(pod("high", "1500m", 10, ""),
                ClusterView.of(List.of(two, one, important)));
        assertThat(result.preemption().nodeName()).isEqualTo("one");
        assertThat(result.preemption().victims()).extracting(PodInfo::name).containsExactly("d");
        assertThat(result.error().message()).isEqualTo("0/3 nodes are available: 3 Insufficient cpu.");
    }

    @Test
    void explainsWhyPreemptionCannotHelp() {
        NodeInfo full = node("full", "2", "4Gi", 110, "{}", "{}");
        full.addPod(pod("a", "2", 50, "").assignedTo("full"));
        NodeInfo tainted = node("tainted", "8", "4Gi", 110, "{}",
                "{'taints':[{'key':'k','value':'v','effect':'NoSchedule'}]}");
        ClusterView cluster = ClusterView.of(List.of(full, tainted));
        var low = (SchedulingAlgorithm.Unschedulable) algorithm.schedule(pod("low", "1", 10, ""), cluster);
        assertThat(low.preemption().found()).isFalse();
        assertThat(low.error().message()).isEqualTo("0/2 nodes are available: 1 Insufficient cpu, "
                + "1 node(s) had untolerated taint {k: v}. preemption: 0/2 nodes are available: "
                + "1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.");
        var never = (SchedulingAlgorithm.Unschedulable) algorithm.schedule(
                pod("never", "1", 100, "'preemptionPolicy':'Never',"), cluster);
        assertThat(never.preemption().found()).isFalse();
        assertThat(never.error().message()).endsWith(" preemption: not eligible due to preemptionPolicy=Never.");
    }
}
