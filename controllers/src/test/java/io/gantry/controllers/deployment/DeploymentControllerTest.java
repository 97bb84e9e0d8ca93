package io.gantry.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.ListQuery;
import io.gantry.client.PatchKind;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;
import io.gantry.controllers.replicaset.ReplicaSetController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Deployments over real ReplicaSets; the test marks pods Running and Ready as a kubelet would. */
class DeploymentControllerTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static ControllerManager manager;

    /** One server and manager for the class: the tests use distinct names. */
    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(dir);
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), Clock.systemUTC(),
                List.of(ReplicaSetController::new, DeploymentController::new));
        manager.start();
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    static ObjectNode deployment(String name, int replicas, String image) {
        ObjectNode d = Json.object().put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", name);
        ObjectNode spec = d.putObject("spec").put("replicas", replicas);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name);
        template.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", image);
        return d;
    }

    private List<ObjectNode> replicaSets(String app) {
        return cluster.client.list(SharedInformers.REPLICA_SETS, "default", ListQuery.labels("app=" + app)).items();
    }

    private ObjectNode get(String name) {
        return cluster.client.get(SharedInformers.DEPLOYMENTS, "default", name);
    }

    /** Plays the kubelet: every pending pod of the app becomes Running and Ready; reports progress. */
    private void runPods(String app, IntConsumer onStep) {
        for (ObjectNode p : cluster.activePods("default", "app=" + app)) {
            if (!Pods.ready(p)) {
                try {
                    cluster.runReady(p, "node-1", Instant.now());
                } catch (io.gantry.api.ApiException e) {
                    // A pod the controllers deleted meanwhile.
                    if (e.code() != 404) {
                        throw e;
                    }
                }
            }
        }
        onStep.accept((int) cluster.activePods("default", "app=" + app).stream().filter(Pods::ready).count());
    }

    private static boolean rolledOut(JsonNode d) {
        JsonNode s = d.path("status");
        int want = d.at("/spec/replicas").asInt();
        return d.at("/metadata/generation").asLong() <= s.path("observedGeneration").asLong()
                && s.path("updatedReplicas").asInt() >= want && s.path("replicas").asInt() == s.path("updatedReplicas").asInt()
                && s.path("availableReplicas").asInt() >= s.path("updatedReplicas").asInt();
    }

    @Test
    void rollsOverToANewReplicaSetOnImageChange() {
        ObjectNode d = deployment("web", 3, "nginx:1.26");
        d.with("metadata").putObject("annotations").put(DeploymentController.CHANGE_CAUSE, "first");
        cluster.client.create(SharedInformers.DEPLOYMENTS, "default", d);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.activePods("default", "app=web").size() == 3);
        ObjectNode first = replicaSets("web").get(0);
        String hash = Meta.labels(first).get(PodTemplateHash.LABEL);
        assertThat(hash).isNotEmpty();
        assertThat(Meta.name(first)).isEqualTo("web-" + hash);
        assertThat(first.at("/spec/selector/matchLabels/pod-template-hash").asText()).isEqualTo(hash);
        assertThat(first.at("/spec/template/metadata/labels/pod-template-hash").asText()).isEqualTo(hash);
        assertThat(first.path("metadata").path("annotations").path(DeploymentController.REVISION).asText())
                .isEqualTo("1");
        assertThat(first.path("metadata").path("annotations").path(DeploymentController.CHANGE_CAUSE).asText())
                .isEqualTo("first");
        assertThat(first.path("metadata").path("annotations").path(DeploymentController.DESIRED_REPLICAS).asText())
                .isEqualTo("3");
        assertThat(first.path("metadata").path("annotations").path(DeploymentController.MAX_REPLICAS).asText())
                .isEqualTo("4");
        assertThat(Meta.controllerRef(first).orElseThrow().path("kind").asText()).isEqualTo("Deployment");

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            runPods("web", ready -> { });
            return rolledOut(get("web")) && get("web").at("/status/availableReplicas").asInt() == 3;
        });

        cluster.client.patch(SharedInformers.DEPLOYMENTS, "default", "web", "", PatchKind.MERGE, Json.MAPPER.valueToTree(
                Map.of("metadata", Map.of("annotations", Map.of(DeploymentController.CHANGE_CAUSE, "second")),
                        "spec", Map.of("template", Map.of("spec", Map.of("containers",
                                List.of(Map.of("name", "c", "image", "nginx:1.27"))))))));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            runPods("web", ready -> { });
            return rolledOut(get("web")) && replicaSets("web").size() == 2
                    && get("web").at("/status/availableReplicas").asInt() == 3;
        });
        ObjectNode done = get("web");
        assertThat(done.at("/status/updatedReplicas").asInt()).isEqualTo(3);
        assertThat(done.at("/status/replicas").asInt()).isEqualTo(3);
        assertThat(done.at("/metadata/annotations").path(DeploymentController.REVISION).asText()).isEqualTo("2");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "NewReplicaSetAvailable".equals(Meta.condition(get("web"), "Progressing").orElseThrow()
                        .path("reason").asText()));
        JsonNode available = Meta.condition(get("web"), "Available").orElseThrow();
        assertThat(available.path("status").asText()).isEqualTo("True");
        assertThat(available.path("reason").asText()).isEqualTo("MinimumReplicasAvailable");
        for (ObjectNode rs : replicaSets("web")) {
            String revision = rs.path("metadata").path("annotations").path(DeploymentController.REVISION).asText();
            if (Meta.name(rs).equals(Meta.name(first))) {
                assertThat(revision).isEqualTo("1");
                assertThat(rs.at("/spec/replicas").asInt()).isZero();
            } else {
                assertThat(revision).isEqualTo("2");
                assertThat(rs.at("/spec/replicas").asInt()).isEqualTo(3);
                assertThat(rs.path("metadata").path("annotations").path(DeploymentController.CHANGE_CAUSE).asText())
                        .isEqualTo("second");
            }
        }
    }

    @Test
    void maxUnavailableZeroKeepsEveryDesiredPodAvailable() {
        ObjectNode d = deployment("api", 3, "nginx:1.26");
        d.with("spec").putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate")
                .put("maxSurge", 1).put("maxUnavailable", 0);
        cluster.client.create(SharedInformers.DEPLOYMENTS, "default", d);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            runPods("api", ready -> { });
            return rolledOut(get("api")) && get("api").at("/status/availableReplicas").asInt() == 3;
        });
        cluster.client.patch(SharedInformers.DEPLOYMENTS, "default", "api", "", PatchKind.MERGE, Json.MAPPER.valueToTree(
                Map.of("spec", Map.of("template", Map.of("spec", Map.of("containers",
                        List.of(Map.of("name", "c", "image", "nginx:1.27"))))))));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            // Between steps nothing may drop the ready pods below 3.
            assertThat((int) cluster.activePods("default", "app=api").stream().filter(Pods::ready).count())
                    .isGreaterThanOrEqualTo(3);
            runPods("api", ready -> assertThat(ready).isGreaterThanOrEqualTo(3));
            assertThat(cluster.activePods("default", "app=api").size()).isLessThanOrEqualTo(4);
            return rolledOut(get("api")) && replicaSets("api").size() == 2
                    && get("api").at("/status/availableReplicas").asInt() == 3;
        });
        assertThat(replicaSets("api")).extracting(rs -> rs.at("/spec/replicas").asInt())
                .containsExactlyInAnyOrder(0, 3);
    }

    @Test
    void scalingAPausedDeploymentDoesNotRollOut() {
        cluster.client.create(SharedInformers.DEPLOYMENTS, "default", deployment("paused", 2, "nginx:1.26"));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.activePods("default", "app=paused").size() == 2);
        cluster.client.patch(SharedInformers.DEPLOYMENTS, "default", "paused", "", PatchKind.MERGE,
                Json.MAPPER.valueToTree(Map.of("spec", Map.of("paused", true, "replicas", 4, "template",
                        Map.of("spec", Map.of("containers", List.of(Map.of("name", "c", "image", "nginx:1.27"))))))));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.activePods("default", "app=paused").size() == 4);
        assertThat(replicaSets("paused")).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Meta.condition(get("paused"), "Progressing")
                .map(c -> c.path("reason").asText()).orElse("").equals("DeploymentPaused"));
        cluster.client.patch(SharedInformers.DEPLOYMENTS, "default", "paused", "", PatchKind.MERGE,
                Json.MAPPER.valueToTree(Map.of("spec", Map.of("paused", false))));
        await().atMost(Duration.ofSeconds(10)).until(() -> replicaSets("paused").size() == 2);
    }

    private void setImage(String name, String image) {
        cluster.client.patch(SharedInformers.DEPLOYMENTS, "default", name, "", PatchKind.MERGE, Json.MAPPER.valueToTree(
                Map.of("spec", Map.of("template", Map.of("spec", Map.of("containers",
                        List.of(Map.of("name", "c", "image", image))))))));
    }

    private void awaitRolledOut(String name) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            runPods(name, ready -> { });
            ObjectNode d = get(name);
            return rolledOut(d) && d.at("/status/availableReplicas").asInt() == d.at("/spec/replicas").asInt()
                    && replicaSets(name).stream().filter(rs -> rs.at("/spec/replicas").asInt() > 0).count() == 1;
        });
    }

    private String revisionOf(String image, String app) {
        return replicaSets(app).stream()
                .filter(rs -> rs.at("/spec/template/spec/containers/0/image").asText().equals(image))
                .map(rs -> rs.path("metadata").path("annotations").path(DeploymentController.REVISION).asText())
                .findFirst().orElse("");
    }

    @Test
    void oldReplicaSetsBeyondTheHistoryLimitAreDeletedAndUndoGetsTheNextRevision() {
        ObjectNode d = deployment("hist", 1, "nginx:1");
        d.with("spec").put("revisionHistoryLimit", 1);
        cluster.client.create(SharedInformers.DEPLOYMENTS, "default", d);
        awaitRolledOut("hist");
        setImage("hist", "nginx:2");
        awaitRolledOut("hist");
        setImage("hist", "nginx:3");
        awaitRolledOut("hist");
        assertThat(revisionOf("nginx:3", "hist")).isEqualTo("3");
        // The next sync after completion cleans up: revision 1 goes, revision 2 stays as the one allowed.
        await().atMost(Duration.ofSeconds(10)).until(() -> replicaSets("hist").size() == 2);
        assertThat(revisionOf("nginx:1", "hist")).isEmpty();
        assertThat(revisionOf("nginx:2", "hist")).isEqualTo("2");

        // kubectl rollout undo: the template of revision 2 comes back, and its ReplicaSet becomes revision 4.
        setImage("hist", "nginx:2");
        awaitRolledOut("hist");
        assertThat(revisionOf("nginx:2", "hist")).isEqualTo("4");
        assertThat(get("hist").path("metadata").path("annotations").path(DeploymentController.REVISION).asText())
                .isEqualTo("4");
    }

    @Test
    void recreateScalesTheOldReplicaSetToZeroBeforeCreatingTheNewOne() {
        ObjectNode d = deployment("re", 2, "nginx:1");
        d.with("spec").putObject("strategy").put("type", "Recreate");
        cluster.client.create(SharedInformers.DEPLOYMENTS, "default", d);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.activePods("default", "app=re").size() == 2);
        String oldHash = Meta.labels(replicaSets("re").get(0)).get(PodTemplateHash.LABEL);
        setImage("re", "nginx:2");
        // Pods stay unscheduled here, so the old ones go at once and never overlap with new ones.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<ObjectNode> pods = cluster.activePods("default", "app=re");
            long old = pods.stream().filter(p -> oldHash.equals(Meta.labels(p).get(PodTemplateHash.LABEL))).count();
            assertThat(old == 0 || old == pods.size()).isTrue();
            return pods.size() == 2 && old == 0;
        });
        assertThat(replicaSets("re")).extracting(rs -> rs.at("/spec/replicas").asInt())
                .containsExactlyInAnyOrder(0, 2);
    }
}
