package io.gantry.scheduler;

import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

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

    @Test
    void onlyChangesOfWhatTheCacheKeepsRebuildABoundPodsEntry() {
        var running = json("{'metadata':{'name':'p','namespace':'default','uid':'u1','labels':{'app':'web'}},"
                + "'spec':{'nodeName':'n1','containers':[{'name':'c','resources':{'requests':{'cpu':'1'}}}]},"
                + "'status':{'phase':'Pending'}}");
        var reported = running.deepCopy();
        reported.with("status").put("phase", "Running").put("podIP", "10.0.0.5");
        reported.with("metadata").put("resourceVersion", "42");
        assertThat(Scheduler.cachedPodChanged(running, reported)).isFalse();

        var unbound = running.deepCopy();
        unbound.with("spec").remove("nodeName");
        assertThat(Scheduler.cachedPodChanged(unbound, running)).as("the binding confirms an assumed pod").isTrue();
        var failed = running.deepCopy();
        failed.with("status").put("phase", "Failed");
        assertThat(Scheduler.cachedPodChanged(failed, running)).isTrue();
        var relabelled = running.deepCopy();
        relabelled.with("metadata").with("labels").put("app", "db");
        assertThat(Scheduler.cachedPodChanged(running, relabelled)).isTrue();
        var resized = running.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) resized.at("/spec/containers/0/resources/requests"))
                .put("cpu", "2");
        assertThat(Scheduler.cachedPodChanged(running, resized)).isTrue();
        var deleting = running.deepCopy();
        deleting.with("metadata").put("deletionTimestamp", "2026-01-01T00:00:00Z");
        assertThat(Scheduler.cachedPodChanged(running, deleting)).isTrue();
        var replaced = running.deepCopy();
        replaced.with("metadata").put("uid", "u2");
        assertThat(Scheduler.cachedPodChanged(running, replaced)).isTrue();
    }

    @Test
    void aStatusReportKeepsTheEntryUnlessItIsGoneOrItsPriorityChanged() {
        cache.upsertNode(json("{'metadata':{'name':'n1'},'status':{'allocatable':{'cpu':'4'}}}"));
        cache.addOrUpdatePod(pod("a", "n1"));
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        cache.keepPod("default/a", 0, () -> {
            built.incrementAndGet();
            return pod("a", "n1");
        });
        assertThat(cache.podCount("n1")).isEqualTo(1);
        assertThat(built).as("an entry with the same priority stays as it is").hasValue(0);

        // our binding failed after someone else's had reached the cache: the entry went with our assumption
        cache.assume(pod("a", "").assignedTo("n1"));
        cache.forget("default/a");
        assertThat(cache.podCount("n1")).isZero();
        cache.keepPod("default/a", 0, () -> pod("a", "n1"));
        assertThat(cache.podCount("n1")).as("the next status report puts it back").isEqualTo(1);

        PodInfo important = new PodInfo(pod("a", "n1").pod(), 1000);
        cache.keepPod("default/a", 1000, () -> important);
        cache.keepPod("default/a", 1000, () -> {
            throw new AssertionError("rebuilt although the priority is current");
        });
        assertThat(cache.podCount("n1")).isEqualTo(1);
        assertThat(cache.view.nodes().getFirst().pods()).containsExactly(important);
    }

    private static PodInfo web(String name, String node) {
        return new PodInfo(json("{'metadata':{'name':'" + name + "','namespace':'default','labels':{'app':'web'}},"
                + "'spec':{'nodeName':'" + node + "','containers':[{'name':'c'}]}}"), 0);
    }

    /** The index answers as a walk over every node's pods would, through assume, confirm, forget and node loss. */
    @Test
    void matchingPodsByNodeFollowsTheCache() {
        cache.upsertNode(json("{'metadata':{'name':'n1'},'status':{'allocatable':{'cpu':'4'}}}"));
        cache.upsertNode(json("{'metadata':{'name':'n2'},'status':{'allocatable':{'cpu':'4'}}}"));
        LabelSelector selector = LabelSelector.parse("app=web");
        cache.addOrUpdatePod(web("w0", "n1"));
        cache.assume(web("w1", "").assignedTo("n2"));
        cache.assume(web("w2", "").assignedTo("n2"));
        cache.forget("default/w2");
        cache.addOrUpdatePod(web("w1", "n1")); // confirmed elsewhere than assumed
        assertThat(byName(cache.view.matchingPodsByNode(selector, "default"))).isEqualTo(Map.of("n1", 2));

        cache.addOrUpdatePod(web("w3", "n2"));
        cache.removeNode("n2");
        assertThat(byName(cache.view.matchingPodsByNode(selector, "default"))).isEqualTo(Map.of("n1", 2));
        cache.removePod("default/w0");
        assertThat(byName(cache.view.matchingPodsByNode(selector, "default"))).isEqualTo(Map.of("n1", 1));
        assertThat(byName(ClusterView.of(cache.view.nodes()).matchingPodsByNode(selector, "default")))
                .isEqualTo(Map.of("n1", 1));
    }

    private static Map<String, Integer> byName(Map<NodeInfo, Integer> counts) {
        Map<String, Integer> named = new java.util.HashMap<>();
        counts.forEach((node, count) -> named.put(node.name(), count));
        return named;
    }

    /** An informer's thread does not wait for a scheduling cycle; the next use of the cache sees its change. */
    @Test
    @Timeout(10)
    void changesPostedDuringACycleApplyBeforeTheNextOne() throws Exception {
        cache.upsertNode(json("{'metadata':{'name':'n1'},'status':{'allocatable':{'cpu':'4'}}}"));
        CountDownLatch inCycle = new CountDownLatch(1);
        CountDownLatch posted = new CountDownLatch(1);
        int[] seenInCycle = new int[1];
        Thread cycle = Thread.ofPlatform().start(() -> cache.locked(() -> {
            inCycle.countDown();
            try {
                posted.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seenInCycle[0] = cache.view.nodes().getFirst().podCount();
            return null;
        }));
        inCycle.await();
        cache.addOrUpdatePod(pod("a", "n1")); // returns while the cycle holds the cache
        posted.countDown();
        cycle.join();
        assertThat(seenInCycle[0]).isZero();
        assertThat(cache.podCount("n1")).isEqualTo(1);
    }

    @Test
    void slotIOfTheColumnsDescribesNodeIAcrossRemovals() {
        for (int i = 1; i <= 4; i++) {
            cache.upsertNode(json("{'metadata':{'name':'n" + i + "'},'status':{'allocatable':{'cpu':'" + i + "'}}}"));
        }
        cache.addOrUpdatePod(pod("a", "n3"));
        cache.assume(pod("b", "").assignedTo("n4"));
        cache.removeNode("n2");
        cache.upsertNode(json("{'metadata':{'name':'n5'},'status':{'allocatable':{'cpu':'5'}}}"));
        cache.removePod("default/a");
        cache.assume(pod("c", "").assignedTo("n3"));
        cache.removeNode("n1");
        // a pod on a node the cache does not know yet; the node comes later
        cache.addOrUpdatePod(pod("d", "n6"));
        cache.upsertNode(json("{'metadata':{'name':'n6'},'status':{'allocatable':{'cpu':'6'}}}"));

        cache.locked(() -> {
            var nodes = cache.view.nodes();
            var columns = cache.view.columns();
            assertThat(nodes).extracting(NodeInfo::name).containsExactly("n3", "n4", "n5", "n6");
            assertThat(columns.size()).isEqualTo(4);
            for (int i = 0; i < nodes.size(); i++) {
                assertThat(nodes.get(i).slot()).isEqualTo(i);
                assertThat(columns.freeMilliCpu(i)).as(nodes.get(i).name()).isEqualTo(nodes.get(i).freeMilliCpu());
                assertThat(columns.nonZeroMilliCpu(i)).isEqualTo(nodes.get(i).nonZeroMilliCpu());
            }
            assertThat(columns.freeMilliCpu(0)).isEqualTo(2000);
            assertThat(columns.freeMilliCpu(3)).isEqualTo(5000);
            return null;
        });
    }
}
