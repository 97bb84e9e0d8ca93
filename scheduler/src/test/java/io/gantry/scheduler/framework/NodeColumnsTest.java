package io.gantry.scheduler.framework;

import org.junit.jupiter.api.Test;

import static io.gantry.scheduler.framework.Fixtures.json;
import static io.gantry.scheduler.framework.Fixtures.node;
import static io.gantry.scheduler.framework.Fixtures.requesting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeColumnsTest {
    private static void assertSlotDescribes(NodeColumns columns, int slot, NodeInfo node) {
        assertThat(columns.freeMilliCpu(slot)).isEqualTo(node.freeMilliCpu());
        assertThat(columns.freeMemory(slot)).isEqualTo(node.freeMemory());
        assertThat(columns.freeEphemeralStorage(slot)).isEqualTo(node.freeEphemeralStorage());
        assertThat(columns.freePods(slot)).isEqualTo(node.freePods());
        assertThat(columns.allocatableMilliCpu(slot)).isEqualTo(node.allocatableMilliCpu());
        assertThat(columns.allocatableMemory(slot)).isEqualTo(node.allocatableMemory());
        assertThat(columns.nonZeroMilliCpu(slot)).isEqualTo(node.nonZeroMilliCpu());
        assertThat(columns.nonZeroMemory(slot)).isEqualTo(node.nonZeroMemory());
    }

    @Test
    void anAttachedNodeCopiesEveryChangeToItsSlot() {
        NodeColumns columns = new NodeColumns();
        NodeInfo a = node("a", "4", "8Gi", 2, "{}", "{}");
        NodeInfo b = node("b", "8", "16Gi", 110, "{}", "{}");
        columns.attach(a, 0);
        columns.attach(b, 1);
        assertThat(columns.size()).isEqualTo(2);
        assertSlotDescribes(columns, 0, a);
        assertSlotDescribes(columns, 1, b);

        a.addPod(requesting("p", "1500m", "1Gi").assignedTo("a"));
        a.addPod(Fixtures.pod("q", "{'containers':[{'name':'c'}]}").assignedTo("a"));
        assertThat(columns.freeMilliCpu(0)).isEqualTo(2500);
        assertThat(columns.freePods(0)).isZero();
        // a pod without requests counts as Kubernetes' defaults in the scores
        assertThat(columns.nonZeroMilliCpu(0)).isEqualTo(1600);
        assertSlotDescribes(columns, 0, a);
        a.removePod("default/p");
        assertSlotDescribes(columns, 0, a);
        assertSlotDescribes(columns, 1, b);
    }

    @Test
    void flagsSayWhetherTheNodeIsCordonedOrTainted() {
        NodeColumns columns = new NodeColumns();
        NodeInfo n = node("n", "{}");
        columns.attach(n, 0);
        assertThat(columns.flags(0)).isZero();

        n.setNode(json("{'metadata':{'name':'n'},'spec':{'unschedulable':true,'taints':[{'key':'k','effect':"
                + "'PreferNoSchedule'}]},'status':{'conditions':[{'type':'Ready','status':'True'}]}}"));
        assertThat(columns.flags(0)).isEqualTo(NodeColumns.UNSCHEDULABLE | NodeColumns.SOFT_TAINTS);

        n.setNode(json("{'metadata':{'name':'n'},'spec':{'taints':[{'key':'k','effect':'NoExecute'}]},"
                + "'status':{'conditions':[{'type':'Ready','status':'True'}]}}"));
        assertThat(columns.flags(0)).isEqualTo(NodeColumns.HARD_TAINTS);

        // a node that is not Ready carries the not-ready taint (NoSchedule)
        n.setNode(json("{'metadata':{'name':'n'},'status':{'conditions':[{'type':'Ready','status':'False'}]}}"));
        assertThat(columns.flags(0)).isEqualTo(NodeColumns.HARD_TAINTS);
    }

    @Test
    void aDetachedNodeNoLongerWritesAndItsSlotCanBeTaken() {
        NodeColumns columns = new NodeColumns();
        NodeInfo a = node("a", "4", "8Gi", 110, "{}", "{}");
        NodeInfo b = node("b", "8", "16Gi", 110, "{}", "{}");
        columns.attach(a, 0);
        a.detach();
        columns.attach(b, 0);
        a.addPod(requesting("p", "1", "1Gi").assignedTo("a"));
        assertSlotDescribes(columns, 0, b);
        assertThat(a.slot()).isEqualTo(-1);
        assertThat(b.slot()).isZero();

        assertThatThrownBy(() -> columns.attach(a, 2)).isInstanceOf(IllegalArgumentException.class);
        columns.truncate(0);
        assertThat(columns.size()).isZero();
    }
}
