package io.gantry.controllers.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.DeleteRequest;
import io.gantry.client.PatchKind;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The ReplicaSet controller against a real API server; the test binds pods and reports them ready. */
class ReplicaSetControllerTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static ControllerManager manager;

    /** One server and manager for the class: the tests use distinct names. */
    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(dir);
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), Clock.systemUTC(),
                List.of(ReplicaSetController::new));
        manager.start();
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    static ObjectNode replicaSet(String name, int replicas) {
        ObjectNode rs = Json.object().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
        rs.putObject("metadata").put("name", name);
        ObjectNode spec = rs.putObject("spec").put("replicas", replicas);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name).put("tier", "web");
        template.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx:1.27");
        return rs;
    }

    @Test
    void createsReplicasAndReplacesADeletedPod() {
        ObjectNode rs = cluster.client.create(SharedInformers.REPLICA_SETS, "default", replicaSet("web", 3));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.activePods("default", "app=web").size() == 3);
        List<ObjectNode> pods = cluster.activePods("default", "app=web");
        for (ObjectNode p : pods) {
            assertThat(Meta.name(p)).startsWith("web-");
            assertThat(Meta.labels(p)).containsEntry("tier", "web");
            var ref = Meta.controllerRef(p).orElseThrow();
            assertThat(ref.path("uid").asText()).isEqualTo(Meta.uid(rs));
            assertThat(ref.path("blockOwnerDeletion").asBoolean()).isTrue();
            assertThat(ref.path("kind").asText()).isEqualTo("ReplicaSet");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.get(SharedInformers.REPLICA_SETS,
                "default", "web").at("/status/replicas").asInt() == 3);

        String victim = Meta.name(pods.get(0));
        cluster.client.delete(SharedInformers.PODS, "default", victim, DeleteRequest.DEFAULT);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<ObjectNode> now = cluster.activePods("default", "app=web");
            return now.size() == 3 && now.stream().noneMatch(p -> Meta.name(p).equals(victim));
        });
        // Level-triggered and expectation-guarded: never more than asked for.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> cluster.activePods("default", "app=web").size() == 3);

        cluster.runReady(cluster.activePods("default", "app=web").get(0), "node-1", Instant.now());
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ObjectNode s = cluster.client.get(SharedInformers.REPLICA_SETS, "default", "web");
            return s.at("/status/readyReplicas").asInt() == 1 && s.at("/status/availableReplicas").asInt() == 1
                    && s.at("/status/fullyLabeledReplicas").asInt() == 3
                    && s.at("/status/observedGeneration").asLong() == s.at("/metadata/generation").asLong();
        });
    }

    @Test
    void scalingDownDeletesUnscheduledThenNotReadyThenNewest() {
        cluster.client.create(SharedInformers.REPLICA_SETS, "default", replicaSet("api", 4));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.activePods("default", "app=api").size() == 4);
        List<ObjectNode> pods = cluster.activePods("default", "app=api");
        Instant now = Instant.now();
        String older = Meta.name(cluster.runReady(pods.get(0), "node-1", now.minusSeconds(600)));
        String newer = Meta.name(cluster.runReady(pods.get(1), "node-2", now.minusSeconds(60)));
        String scheduledNotReady = Meta.name(pods.get(2));
        ObjectNode bound = cluster.client.get(SharedInformers.PODS, "default", scheduledNotReady);
        ObjectNode binding = Json.object().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", scheduledNotReady);
        binding.putObject("target").put("kind", "Node").put("name", "node-3");
        cluster.client.post(SharedInformers.PODS, "default", Meta.name(bound), "binding", binding);
        String unscheduled = Meta.name(pods.get(3));

        scale("api", 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> names("app=api").size() == 3);
        assertThat(names("app=api")).doesNotContain(unscheduled);
        scale("api", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> names("app=api").size() == 2);
        assertThat(names("app=api")).containsExactlyInAnyOrder(older, newer);
        scale("api", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> names("app=api").size() == 1);
        assertThat(names("app=api")).containsExactly(older);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.get(SharedInformers.REPLICA_SETS,
                "default", "api").at("/status/replicas").asInt() == 1);
    }

    @Test
    void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() {
        ObjectNode orphan = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        orphan.putObject("metadata").put("name", "orphan").putObject("labels").put("app", "db");
        orphan.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "postgres:16");
        cluster.client.create(SharedInformers.PODS, "default", orphan);
        ObjectNode rs = cluster.client.create(SharedInformers.REPLICA_SETS, "default", replicaSet("db", 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.activePods("default", "app=db").size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> Meta.controlledBy(
                cluster.client.get(SharedInformers.PODS, "default", "orphan"), rs));

        cluster.client.patch(SharedInformers.PODS, "default", "orphan", "", PatchKind.MERGE,
                Json.object().set("metadata", Json.object().set("labels", Json.object().put("app", "other"))));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Meta.controllerRef(cluster.client.get(SharedInformers.PODS, "default", "orphan")).isEmpty()
                        && cluster.activePods("default", "app=db").size() == 2);
    }

    private void scale(String name, int replicas) {
        cluster.client.patch(SharedInformers.REPLICA_SETS, "default", name, "", PatchKind.MERGE,
                Json.object().set("spec", Json.object().put("replicas", replicas)));
    }

    private List<String> names(String selector) {
        return cluster.activePods("default", selector).stream().filter(Pods::active).map(Meta::name).toList();
    }
}
