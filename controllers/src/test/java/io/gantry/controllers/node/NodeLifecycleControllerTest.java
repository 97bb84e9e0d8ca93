package io.gantry.controllers.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerManagerConfig;
import io.gantry.controllers.Meta;
import io.gantry.controllers.MutableClock;
import io.gantry.controllers.SharedInformers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node whose Lease goes stale, by a controllable clock; the test plays the kubelet. */
class NodeLifecycleControllerTest {
    @TempDir
    Path dir;
    ClusterFixture cluster;
    ControllerManager manager;
    final MutableClock clock = new MutableClock(Instant.now());

    @BeforeEach
    void start() {
        cluster = new ClusterFixture(dir);
        ControllerManagerConfig config = ClusterFixture.config()
                .withNodeMonitor(Duration.ofSeconds(40), Duration.ofMillis(100));
        manager = new ControllerManager(cluster.client, config, clock, List.of(NodeLifecycleController::new));
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    private void createNode(String name) {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", name);
        ObjectNode created = cluster.client.create(SharedInformers.NODES, "", node);
        postReady(created, "True");
        ObjectNode lease = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
        lease.putObject("metadata").put("name", name).put("namespace", NodeLifecycleController.LEASE_NAMESPACE);
        lease.putObject("spec").put("holderIdentity", name).put("leaseDurationSeconds", 40)
                .put("renewTime", Meta.microTime(clock.instant()));
        cluster.client.create(SharedInformers.LEASES, NodeLifecycleController.LEASE_NAMESPACE, lease);
    }

    /** The kubelet posts status: conditions with a fresh heartbeat. */
    private void postReady(ObjectNode node, String ready) {
        ClusterFixture.retryOnConflict(() -> {
            postReadyOnce(node, ready);
            return null;
        });
    }

    private void postReadyOnce(ObjectNode node, String ready) {
        ObjectNode current = cluster.client.get(SharedInformers.NODES, "", Meta.name(node));
        var conditions = current.with("status").putArray("conditions");
        String now = Meta.time(clock.instant());
        conditions.addObject().put("type", "Ready").put("status", ready).put("reason", "KubeletReady")
                .put("message", "kubelet is posting ready status").put("lastHeartbeatTime", now)
                .put("lastTransitionTime", now);
        conditions.addObject().put("type", "MemoryPressure").put("status", "False").put("lastHeartbeatTime", now)
                .put("lastTransitionTime", now);
        cluster.client.updateStatus(SharedInformers.NODES, current);
    }

    /** The kubelet posts Ready True and these pressure conditions, e.g. DiskPressure True. */
    private void postPressure(String node, java.util.Map<String, String> pressures) {
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode current = cluster.client.get(SharedInformers.NODES, "", node);
            var conditions = current.with("status").putArray("conditions");
            String now = Meta.time(clock.instant());
            conditions.addObject().put("type", "Ready").put("status", "True").put("lastHeartbeatTime", now)
                    .put("lastTransitionTime", now);
            pressures.forEach((type, status) -> conditions.addObject().put("type", type).put("status", status)
                    .put("lastHeartbeatTime", now).put("lastTransitionTime", now));
            return cluster.client.updateStatus(SharedInformers.NODES, current);
        });
    }

    private static java.util.List<String> noScheduleTaints(JsonNode node) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (JsonNode t : node.path("spec").path("taints")) {
            if ("NoSchedule".equals(t.path("effect").asText())) {
                keys.add(t.path("key").asText());
            }
        }
        return keys;
    }

    private ObjectNode pod(String name, String node, Long tolerationSeconds) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name);
        ObjectNode spec = pod.putObject("spec").put("nodeName", node);
        spec.putArray("containers").addObject().put("name", "c").put("image", "busybox:1.36");
        if (tolerationSeconds != null) {
            spec.putArray("tolerations").addObject().put("key", Taints.UNREACHABLE).put("operator", "Exists")
                    .put("effect", "NoExecute").put("tolerationSeconds", tolerationSeconds);
        }
        return cluster.client.create(SharedInformers.PODS, "default", pod);
    }

    private ObjectNode node(String name) {
        return cluster.client.get(SharedInformers.NODES, "", name);
    }

    private static Optional<JsonNode> taint(JsonNode node, String key) {
        for (JsonNode t : node.path("spec").path("taints")) {
            if (key.equals(t.path("key").asText())) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private boolean podDeleting(String name) {
        return cluster.client.find(SharedInformers.PODS, "default", name).map(Meta::deleting).orElse(true);
    }

    @Test
    void staleLeaseMakesTheNodeUnknownTaintsItAndEvictsPodsWhenTolerationsRunOut() {
        createNode("n1");
        pod("default-tolerations", "n1", null);
        pod("quick", "n1", 0L);
        manager.start();
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5)).until(() ->
                taint(node("n1"), Taints.UNREACHABLE).isEmpty());

        clock.advance(Duration.ofSeconds(41));
        await().atMost(Duration.ofSeconds(10)).until(() -> taint(node("n1"), Taints.UNREACHABLE).isPresent());
        ObjectNode n = node("n1");
        JsonNode ready = Meta.condition(n, "Ready").orElseThrow();
        assertThat(ready.path("status").asText()).isEqualTo("Unknown");
        assertThat(ready.path("reason").asText()).isEqualTo("NodeStatusUnknown");
        assertThat(ready.path("message").asText()).isEqualTo("Kubelet stopped posting node status.");
        assertThat(Meta.condition(n, "MemoryPressure").orElseThrow().path("status").asText()).isEqualTo("Unknown");
        // NoExecute evicts; NoSchedule keeps new pods away rather than have them evicted at once
        assertThat(n.path("spec").path("taints").findValuesAsText("effect")).containsExactlyInAnyOrder("NoExecute",
                "NoSchedule");
        assertThat(n.path("spec").path("taints").findValuesAsText("key")).containsOnly(Taints.UNREACHABLE);
        assertThat(n.path("spec").path("taints").findValuesAsText("timeAdded")).doesNotContain("");

        await().atMost(Duration.ofSeconds(10)).until(() -> podDeleting("quick"));
        assertThat(podDeleting("default-tolerations")).isFalse();
        // The API server's default toleration is 300 s.
        clock.advance(Duration.ofSeconds(301));
        await().atMost(Duration.ofSeconds(10)).until(() -> podDeleting("default-tolerations"));

        postReady(n, "True");
        await().atMost(Duration.ofSeconds(10)).until(() -> taint(node("n1"), Taints.UNREACHABLE).isEmpty()
                && "True".equals(Meta.condition(node("n1"), "Ready").orElseThrow().path("status").asText()));
    }

    @Test
    void renewedLeaseKeepsTheNodeHealthyAndNotReadyGetsItsOwnTaint() {
        createNode("n2");
        manager.start();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(30));
            ClusterFixture.retryOnConflict(() -> {
                ObjectNode lease = cluster.client.get(SharedInformers.LEASES, NodeLifecycleController.LEASE_NAMESPACE,
                        "n2");
                lease.with("spec").put("renewTime", Meta.microTime(clock.instant()));
                return cluster.client.update(SharedInformers.LEASES, lease);
            });
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() ->
                    taint(node("n2"), Taints.UNREACHABLE).isEmpty());
        }
        postReady(node("n2"), "False");
        await().atMost(Duration.ofSeconds(10)).until(() -> taint(node("n2"), Taints.NOT_READY).isPresent());
        postReady(node("n2"), "True");
        await().atMost(Duration.ofSeconds(10)).until(() -> taint(node("n2"), Taints.NOT_READY).isEmpty());
    }

    @Test
    void aCordonedNodeIsTaintedUnschedulableUntilItIsUncordoned() {
        createNode("c1");
        manager.start();
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode n = node("c1");
            n.with("spec").put("unschedulable", true);
            return cluster.client.update(SharedInformers.NODES, n);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> noScheduleTaints(node("c1")).equals(List.of(
                Taints.UNSCHEDULABLE)));
        assertThat(taint(node("c1"), Taints.UNSCHEDULABLE).orElseThrow().path("timeAdded").asText()).isNotEmpty();
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode n = node("c1");
            ((ObjectNode) n.path("spec")).remove("unschedulable");
            return cluster.client.update(SharedInformers.NODES, n);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> noScheduleTaints(node("c1")).isEmpty());
    }

    @Test
    void pressureConditionsTaintTheNodeNoScheduleWhileTheyAreTrue() {
        createNode("n3");
        ObjectNode other = Json.object().put("apiVersion", "v1").put("kind", "Node");
        other.putObject("metadata").put("name", "n3-other");
        cluster.client.create(SharedInformers.NODES, "", other);
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode n = node("n3");
            n.with("spec").putArray("taints").addObject().put("key", "dedicated").put("value", "db")
                    .put("effect", "NoSchedule");
            return cluster.client.update(SharedInformers.NODES, n);
        });
        manager.start();

        postPressure("n3", java.util.Map.of("MemoryPressure", "False", "DiskPressure", "True", "PIDPressure", "False"));
        await().atMost(Duration.ofSeconds(10)).until(() -> noScheduleTaints(node("n3")).contains(Taints.DISK_PRESSURE));
        assertThat(noScheduleTaints(node("n3"))).containsExactlyInAnyOrder("dedicated", Taints.DISK_PRESSURE);
        assertThat(taint(node("n3"), Taints.DISK_PRESSURE).orElseThrow().path("timeAdded").asText()).isNotEmpty();

        clock.advance(Duration.ofSeconds(10));
        postPressure("n3", java.util.Map.of("MemoryPressure", "True", "DiskPressure", "True", "PIDPressure", "True"));
        await().atMost(Duration.ofSeconds(10)).until(() -> noScheduleTaints(node("n3")).size() == 4);
        assertThat(noScheduleTaints(node("n3"))).containsExactlyInAnyOrder("dedicated", Taints.DISK_PRESSURE,
                Taints.MEMORY_PRESSURE, Taints.PID_PRESSURE);

        clock.advance(Duration.ofSeconds(10));
        postPressure("n3", java.util.Map.of("MemoryPressure", "False", "DiskPressure", "False", "PIDPressure", "False"));
        await().atMost(Duration.ofSeconds(10)).until(() -> noScheduleTaints(node("n3")).equals(List.of("dedicated")));
        // a node that reports no pressure at all, and one whose kubelet never posted, get none of these taints
        assertThat(noScheduleTaints(node("n3-other"))).doesNotContain(Taints.MEMORY_PRESSURE, Taints.DISK_PRESSURE,
                Taints.PID_PRESSURE);

        // a kubelet that stops posting leaves its conditions Unknown: no pressure taint, the unreachable one instead
        postPressure("n3", java.util.Map.of("DiskPressure", "True"));
        await().atMost(Duration.ofSeconds(10)).until(() -> noScheduleTaints(node("n3")).contains(Taints.DISK_PRESSURE));
        clock.advance(Duration.ofSeconds(41));
        await().atMost(Duration.ofSeconds(10)).until(() -> taint(node("n3"), Taints.UNREACHABLE).isPresent()
                && noScheduleTaints(node("n3")).equals(List.of("dedicated", Taints.UNREACHABLE)));
    }
}
