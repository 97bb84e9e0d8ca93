package io.gantry.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.DeleteRequest;
import io.gantry.client.PatchKind;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerRevisions;
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
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The StatefulSet controller against a real API server; the test plays scheduler and kubelet. */
class StatefulSetControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static ControllerManager manager;

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(dir);
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), Clock.systemUTC(),
                List.of(StatefulSetController::new));
        manager.start();
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    private static ObjectNode statefulSet(String name, int replicas) {
        ObjectNode sts = Json.object().put("apiVersion", "apps/v1").put("kind", "StatefulSet");
        sts.putObject("metadata").put("name", name);
        ObjectNode spec = sts.putObject("spec").put("replicas", replicas).put("serviceName", name);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name);
        template.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "web:1");
        // No volumeMount of "data": the API server's validation does not yet know claim template names.
        ObjectNode claim = spec.putArray("volumeClaimTemplates").addObject();
        claim.putObject("metadata").put("name", "data");
        ObjectNode claimSpec = claim.putObject("spec");
        claimSpec.putArray("accessModes").add("ReadWriteOnce");
        claimSpec.putObject("resources").putObject("requests").put("storage", "1Gi");
        return sts;
    }

    private Optional<ObjectNode> pod(String name) {
        return cluster.client.find(SharedInformers.PODS, "default", name);
    }

    private boolean live(String name) {
        return pod(name).filter(p -> !Meta.deleting(p)).isPresent();
    }

    private void ready(String name) {
        cluster.runReady(pod(name).orElseThrow(), "node-1", Instant.now());
    }

    /** The kubelet finishes the termination of deleted pods. */
    private void finishTerminations(String app) {
        for (ObjectNode p : cluster.pods("default", "app=" + app)) {
            if (Meta.deleting(p)) {
                try {
                    cluster.client.delete(SharedInformers.PODS, "default", Meta.name(p), DeleteRequest.now());
                } catch (io.gantry.api.ApiException e) {
                    // already gone
                }
            }
        }
    }

    private JsonNode status(String name) {
        return cluster.client.get(StatefulSetController.STATEFUL_SETS, "default", name).path("status");
    }

    private static String revision(JsonNode pod) {
        return Meta.labels(pod).get(ControllerRevisions.HASH_LABEL);
    }

    @Test
    void adoptsAMatchingOrphanWithAMemberNameOnly() {
        for (String name : List.of("cache-0", "cache-stray")) {
            ObjectNode orphan = Json.object().put("apiVersion", "v1").put("kind", "Pod");
            orphan.putObject("metadata").put("name", name).putObject("labels").put("app", "cache");
            orphan.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "web:1");
            cluster.client.create(SharedInformers.PODS, "default", orphan);
        }
        ObjectNode sts = cluster.client.create(StatefulSetController.STATEFUL_SETS, "default", statefulSet("cache", 1));

        await().atMost(WAIT).until(() -> Meta.controlledBy(pod("cache-0").orElseThrow(), sts));
        await().during(Duration.ofMillis(600)).atMost(WAIT)
                .until(() -> Meta.controllerRef(pod("cache-stray").orElseThrow()).isEmpty());
    }

    @Test
    void createsInOrderAndScalesDownFromTheTop() {
        ObjectNode sts = cluster.client.create(StatefulSetController.STATEFUL_SETS, "default", statefulSet("web", 3));
        await().atMost(WAIT).until(() -> live("web-0"));
        await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> !live("web-1"));

        ObjectNode web0 = pod("web-0").orElseThrow();
        assertThat(Meta.labels(web0)).containsEntry(StatefulSetController.POD_NAME_LABEL, "web-0")
                .containsEntry(StatefulSetController.POD_INDEX_LABEL, "0").containsEntry("app", "web");
        assertThat(web0.at("/spec/hostname").asText()).isEqualTo("web-0");
        assertThat(web0.at("/spec/subdomain").asText()).isEqualTo("web");
        assertThat(web0.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText()).isEqualTo("data-web-0");
        assertThat(Meta.controlledBy(web0, sts)).isTrue();
        assertThat(cluster.client.find(StatefulSetController.PVCS, "default", "data-web-0")).isPresent();

        ready("web-0");
        await().atMost(WAIT).until(() -> live("web-1"));
        await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> !live("web-2"));
        ready("web-1");
        await().atMost(WAIT).until(() -> live("web-2"));
        ready("web-2");
        assertThat(cluster.client.find(StatefulSetController.PVCS, "default", "data-web-2")).isPresent();
        await().atMost(WAIT).until(() -> {
            JsonNode s = status("web");
            return s.path("replicas").asInt() == 3 && s.path("readyReplicas").asInt() == 3
                    && s.path("availableReplicas").asInt() == 3 && s.path("currentReplicas").asInt() == 3
                    && s.path("updatedReplicas").asInt() == 3 && s.path("observedGeneration").asLong() == 1
                    && !s.path("currentRevision").asText().isEmpty()
                    && s.path("currentRevision").equals(s.path("updateRevision"));
        });

        scale("web", 1);
        await().atMost(WAIT).until(() -> !live("web-2"));
        // web-1 waits until web-2 has terminated.
        await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> live("web-1"));
        finishTerminations("web");
        await().atMost(WAIT).until(() -> !live("web-1"));
        finishTerminations("web");
        await().atMost(WAIT).until(() -> {
            JsonNode s = status("web");
            return pod("web-2").isEmpty() && pod("web-1").isEmpty() && live("web-0")
                    && s.path("replicas").asInt() == 1 && s.path("readyReplicas").asInt() == 1;
        });
        // Claims stay behind (Retain).
        assertThat(cluster.client.find(StatefulSetController.PVCS, "default", "data-web-2")).isPresent();
    }

    @Test
    void partitionedRollingUpdateOnlyUpdatesOrdinalsAtOrAboveThePartition() {
        cluster.client.create(StatefulSetController.STATEFUL_SETS, "default", statefulSet("db", 3));
        for (int i = 0; i < 3; i++) {
            String name = "db-" + i;
            await().atMost(WAIT).until(() -> live(name));
            ready(name);
        }
        await().atMost(WAIT).until(() -> status("db").path("readyReplicas").asInt() == 3);
        String oldRevision = revision(pod("db-0").orElseThrow());

        ObjectNode patch = Json.object();
        ObjectNode spec = patch.putObject("spec");
        spec.putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("partition", 1);
        spec.putObject("template").putObject("spec").putArray("containers").addObject().put("name", "c")
                .put("image", "web:2");
        cluster.client.patch(StatefulSetController.STATEFUL_SETS, "default", "db", "", PatchKind.STRATEGIC, patch);

        // db-2 first; db-1 only once the new db-2 is ready.
        await().atMost(WAIT).until(() -> {
            finishTerminations("db");
            return pod("db-2").filter(p -> !Meta.deleting(p) && !oldRevision.equals(revision(p))).isPresent();
        });
        assertThat(pod("db-2").orElseThrow().at("/spec/containers/0/image").asText()).isEqualTo("web:2");
        await().during(Duration.ofMillis(600)).atMost(WAIT).until(() ->
                pod("db-1").map(p -> oldRevision.equals(revision(p)) && !Meta.deleting(p)).orElse(false));
        ready("db-2");
        await().atMost(WAIT).until(() -> {
            finishTerminations("db");
            return pod("db-1").filter(p -> !Meta.deleting(p) && !oldRevision.equals(revision(p))).isPresent();
        });
        ready("db-1");
        await().atMost(WAIT).until(() -> {
            JsonNode s = status("db");
            return s.path("updatedReplicas").asInt() == 2 && s.path("currentReplicas").asInt() == 1
                    && s.path("readyReplicas").asInt() == 3 && s.path("observedGeneration").asLong() == 2
                    && s.path("currentRevision").asText().equals(oldRevision)
                    && !s.path("updateRevision").asText().equals(oldRevision);
        });
        ObjectNode db0 = pod("db-0").orElseThrow();
        assertThat(revision(db0)).isEqualTo(oldRevision);
        assertThat(db0.at("/spec/containers/0/image").asText()).isEqualTo("web:1");
        assertThat(Pods.ready(db0)).isTrue();

        // Dropping the partition finishes the rollout, and the update revision becomes current.
        cluster.client.patch(StatefulSetController.STATEFUL_SETS, "default", "db", "", PatchKind.MERGE,
                Json.object().set("spec", Json.object().set("updateStrategy", Json.object()
                        .put("type", "RollingUpdate").set("rollingUpdate", Json.object().put("partition", 0)))));
        await().atMost(WAIT).until(() -> {
            finishTerminations("db");
            return pod("db-0").filter(p -> !Meta.deleting(p) && !oldRevision.equals(revision(p))).isPresent();
        });
        ready("db-0");
        await().atMost(WAIT).until(() -> {
            JsonNode s = status("db");
            return s.path("updatedReplicas").asInt() == 3 && s.path("currentReplicas").asInt() == 3
                    && s.path("currentRevision").equals(s.path("updateRevision"));
        });
    }

    private void scale(String name, int replicas) {
        cluster.client.patch(StatefulSetController.STATEFUL_SETS, "default", name, "", PatchKind.MERGE,
                Json.object().set("spec", Json.object().put("replicas", replicas)));
    }
}
