package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.NodeInfo;
import org.junit.jupiter.api.Test;

import static io.gantry.scheduler.framework.Fixtures.node;
import static io.gantry.scheduler.framework.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodeUnschedulableAndPortsTest {
    private final CycleState state = new CycleState();

    @Test
    void cordonedNodesAreRefusedUnlessTolerated() {
        NodeUnschedulable plugin = new NodeUnschedulable();
        NodeInfo cordoned = node("c", "4", "8Gi", 110, "{}", "{'unschedulable':true}");
        assertThat(plugin.filter(state, pod("p", "{}"), cordoned).reasons()).containsExactly("node(s) were unschedulable");
        assertThat(plugin.filter(state, pod("p", "{'tolerations':[{'key':'node.kubernetes.io/unschedulable',"
                + "'operator':'Exists','effect':'NoSchedule'}]}"), cordoned).fits()).isTrue();
        assertThat(plugin.filter(state, pod("p", "{}"), node("n", "{}")).fits()).isTrue();
    }

    @Test
    void hostPortsConflictPerProtocolAndAddress() {
        NodePorts plugin = new NodePorts();
        NodeInfo node = node("n", "{}");
        node.addPod(pod("web", "{'containers':[{'name':'c','ports':[{'containerPort':80,'hostPort':8080}]}]}")
                .assignedTo("n"));
        assertThat(plugin.filter(state, pod("p", "{'containers':[{'name':'c','ports':[{'containerPort':80,"
                + "'hostPort':8080}]}]}"), node).reasons())
                .containsExactly("node(s) didn't have free ports for the requested pod ports");
        assertThat(plugin.filter(state, pod("p", "{'containers':[{'name':'c','ports':[{'containerPort':80,"
                + "'hostPort':8080,'protocol':'UDP'}]}]}"), node).fits()).isTrue();
        assertThat(plugin.filter(state, pod("p", "{'containers':[{'name':'c','ports':[{'containerPort':80,"
                + "'hostPort':8080,'hostIP':'10.0.0.1'}]}]}"), node).fits()).isFalse();
        node.removePod("default/web");
        assertThat(plugin.filter(state, pod("p", "{'containers':[{'name':'c','ports':[{'containerPort':80,"
                + "'hostPort':8080}]}]}"), node).fits()).isTrue();
    }
}
