package io.gantry.scheduler;

import io.gantry.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.gantry.scheduler.framework.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class SchedulerCacheTest {
    private final SchedulerCache cache = new SchedulerCache(ns -> Map.of(), pod -> java.util.Optional.empty());

    private static PodInfo pod(String name, String node) {
        return new PodInfo(json("{'metadata':{'name':'" + name + "','namespace':'default'},'spec':{'nodeName':'"
                + node + "','containers':[{'name':'c','resources':{'requests':{'cpu':'1'}}}]}}"), 0);
    }

    @Test
    void assumedPodsCountUntilConfirmedOrForgotten() {
        cache.upsertNode(json("{'metadata':{'name':'n1'},'status':{'allocatable':{'cpu':'4'}}}"));
        PodInfo unbound = pod("a", "");
        cache.assume(unbound.assignedTo("n1"));
        assertThat(cache.isAssumed("default/a")).isTrue();
        assertThat(cache.podCount("n1")).isEqualTo(1);
        assertThat(cache.view.nodes().getFirst().requested().milliCpu).isEqualTo(1000);

        // the informer's event confirms it: counted once
        cache.addOrUpdatePod(pod("a", "n1"));
        assertThat(cache.isAssumed("default/a")).isFalse();
        assertThat(cache.podCount("n1")).isEqualTo(1);
        cache.forget("default/a"); // no effect once confirmed
        assertThat(cache.podCount("n1")).isEqualTo(1);

        cache.assume(pod("b", "").assignedTo("n1"));
        cache.forget("default/b");
        assertThat(cache.podCount("n1")).isEqualTo(1);
        cache.removePod("default/a");
        assertThat(cache.podCount("n1")).isZero();
        assertThat(cache.view.nodes().getFirst().requested().milliCpu).isZero();
    }

    @Test
    void nodesWithAffinityPodsFollowPodsAndNodes() {
        cache.upsertNode(json("{'metadata':{'name':'n1'},'status':{'allocatable':{'cpu':'4'}}}"));
        cache.upsertNode(json("{'metadata':{'name':'n2'},'status':{'allocatable':{'cpu':'4'}}}"));
        cache.addOrUpdatePod(pod("plain", "n1"));
        assertThat(cache.view.nodesWithPodsWithAffinity()).isEmpty();
        PodInfo withAffinity = new PodInfo(json("{'metadata':{'name':'aff','namespace':'default'},'spec':{'nodeName':'n2',"
                + "'containers':[{'name':'c'}],'affinity':{'podAntiAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                + "[{'topologyKey':'kubernetes.io/hostname','labelSelector':{'matchLabels':{'app':'x'}}}]}}}}"), 0);
        cache.assume(withAffinity);
        assertThat(cache.view.nodesWithPodsWithAffinity()).extracting(n -> n.name()).containsExactly("n2");
        cache.removePod("default/aff");
        assertThat(cache.view.nodesWithPodsWithAffinity()).isEmpty();
        cache.addOrUpdatePod(withAffinity);
        cache.removeNode("n2");
        assertThat(cache.view.nodesWithPodsWithAffinity()).isEmpty();
        cache.upsertNode(json("{'metadata':{'name':'n2'},'status':{'allocatable':{'cpu':'4'}}}"));
        assertThat(cache.view.nodesWithPodsWithAffinity()).extracting(n -> n.name()).containsExactly("n2");
    }

    @Test
    void podsMayArriveBeforeTheirNodeAndOutliveIt() {
        cache.addOrUpdatePod(pod("early", "late-node"));
        assertThat(cache.nodeCount()).isZero();
        cache.upsertNode(json("{'metadata':{'name':'late-node'},'status':{'allocatable':{'cpu':'4'}}}"));
        assertThat(cache.nodeCount()).isEqualTo(1);
        assertThat(cache.view.nodes().getFirst().podCount()).isEqualTo(1);
        cache.removeNode("late-node");
        assertThat(cache.nodeCount()).isZero();
        assertThat(cache.podCount("late-node")).isEqualTo(1);
        cache.removePod("default/early");
        assertThat(cache.podCount("late-node")).isZero();
    }

    @Test
    void onlySchedulingRelevantNodeChangesWakeWaitingPods() {
        var a = json("{'metadata':{'name':'n','labels':{'x':'1'}},'status':{'allocatable':{'cpu':'4'},"
                + "'conditions':[{'type':'Ready','status':'True','lastHeartbeatTime':'2026-01-01T00:00:00Z'}]}}");
        var heartbeat = a.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) heartbeat.at("/status/conditions/0"))
                .put("lastHeartbeatTime", "2026-01-01T00:00:10Z");
        assertThat(Scheduler.schedulingRelevantChange(a, heartbeat)).isFalse();
        var relabelled = a.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) relabelled.at("/metadata/labels")).put("x", "2");
        assertThat(Scheduler.schedulingRelevantChange(a, relabelled)).isTrue();
        var notReady = a.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) notReady.at("/status/conditions/0")).put("status", "False");
        assertThat(Scheduler.schedulingRelevantChange(a, notReady)).isTrue();
    }
}
