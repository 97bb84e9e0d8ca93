package io.gantry.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.MutableClock;
import io.gantry.controllers.SharedInformers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The disruption controller against a real API server, by a clock the test moves; no ReplicaSet controller runs,
 * so the test makes the controllers and pods itself and plays the kubelet. Each test has a namespace of its own.
 */
class DisruptionControllerTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static ControllerManager manager;
    static final MutableClock clock = new MutableClock(Instant.now());

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(dir);
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), clock,
                List.of(DisruptionController::new));
        manager.start();
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    private static void namespace(String name) {
        ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", name);
        cluster.client.create(SharedInformers.type("v1", "Namespace"), "", ns);
    }

    /** A workload's spec: replicas, a selector of app=web and a pod template. */
    private static ObjectNode workloadSpec(int replicas) {
        ObjectNode spec = Json.object().put("replicas", replicas);
        spec.putObject("selector").putObject("matchLabels").put("app", "web");
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", "web");
        template.putObject("spec").putArray("containers").addObject().put("name", "c")
                .put("image", "nginx:1.27");
        return spec;
    }

    private static ObjectNode create(ResourceType type, String ns, String name, ObjectNode spec,
                                     ObjectNode owner, ResourceType ownerType) {
        ObjectNode object = Json.object().put("apiVersion", type.apiVersion()).put("kind", type.kind());
        object.putObject("metadata").put("name", name);
        if (owner != null) {
            object.with("metadata").putArray("ownerReferences").add(Meta.controllerRefTo(owner, ownerType));
        }
        object.set("spec", spec);
        return cluster.client.create(type, ns, object);
    }

    private static ObjectNode replicaSet(String ns, String name, int replicas, ObjectNode deployment) {
        return create(SharedInformers.REPLICA_SETS, ns, name, workloadSpec(replicas), deployment,
                SharedInformers.DEPLOYMENTS);
    }

    /** A pod of the ReplicaSet on node n1, Running and Ready. */
    private static ObjectNode readyPod(String ns, String name, ObjectNode replicaSet) {
        return cluster.runReady(pod(ns, name, replicaSet, SharedInformers.REPLICA_SETS), "n1", clock.instant());
    }

    private static ObjectNode pod(String ns, String name, ObjectNode owner, ResourceType ownerType) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).putObject("labels").put("app", "web");
        pod.with("metadata").putArray("ownerReferences").add(Meta.controllerRefTo(owner, ownerType));
        pod.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx:1.27");
        return cluster.client.create(SharedInformers.PODS, ns, pod);
    }

    private static ObjectNode budget(String ns, String spec) {
        ObjectNode pdb = Json.object().put("apiVersion", "policy/v1").put("kind", "PodDisruptionBudget");
        pdb.putObject("metadata").put("name", "web-pdb");
        pdb.set("spec", Json.parseObject(spec.getBytes()));
        return cluster.client.create(DisruptionController.BUDGETS, ns, pdb);
    }

    private static JsonNode awaitStatus(String ns, Predicate<JsonNode> done) {
        await().atMost(Duration.ofSeconds(10)).until(() -> done.test(status(ns)));
        return status(ns);
    }

    private static JsonNode status(String ns) {
        return cluster.client.get(DisruptionController.BUDGETS, ns, "web-pdb").path("status");
    }

    private static JsonNode evict(String ns, String pod) {
        ObjectNode eviction = Json.object().put("apiVersion", "policy/v1").put("kind", "Eviction");
        eviction.putObject("metadata").put("name", pod).put("namespace", ns);
        return cluster.client.post(SharedInformers.PODS, ns, pod, "eviction", eviction);
    }

    @Test
    void minAvailableAllowsTheHealthyPodsBeyondItAndEvictionsSpendThem() {
        namespace("min");
        ObjectNode rs = replicaSet("min", "web-1", 3, null);
        for (int i = 1; i <= 3; i++) {
            readyPod("min", "web-" + i, rs);
        }
        budget("min", "{\"minAvailable\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");

        JsonNode status = awaitStatus("min", s -> s.path("currentHealthy").asInt() == 3);
        assertThat(status.path("disruptionsAllowed").asInt()).isEqualTo(1);
        assertThat(status.path("desiredHealthy").asInt()).isEqualTo(2);
        assertThat(status.path("expectedPods").asInt()).isEqualTo(3);
        assertThat(status.path("observedGeneration").asInt()).isEqualTo(1);
        assertThat(condition(status).path("status").asText()).isEqualTo("True");
        assertThat(condition(status).path("reason").asText()).isEqualTo("SufficientPods");

        // the API server spends the one disruption; the pod stays terminating (no kubelet here)
        evict("min", "web-1");
        assertThat(status("min").path("disruptionsAllowed").asInt()).isZero();
        // the controller sees web-1 terminating and forgets it among the disrupted pods
        status = awaitStatus("min", s -> s.path("currentHealthy").asInt() == 2 && !s.has("disruptedPods"));
        assertThat(status.path("disruptionsAllowed").asInt()).isZero();
        assertThat(condition(status).path("reason").asText()).isEqualTo("InsufficientPods");
        ApiException refused = catchThrowableOfType(ApiException.class, () -> evict("min", "web-2"));
        assertThat(refused.code()).isEqualTo(429);
        assertThat(refused.causes()).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("DisruptionBudget");
            assertThat(c.message()).isEqualTo("The disruption budget web-pdb needs 2 healthy pods and has 2 currently");
        });

        // a fourth pod makes room again
        readyPod("min", "web-4", rs);
        awaitStatus("min", s -> s.path("disruptionsAllowed").asInt() == 1);
    }

    @Test
    void anEvictionThatNeverHappenedIsForgottenAfterTwoMinutes() {
        namespace("stale");
        ObjectNode rs = replicaSet("stale", "web-1", 2, null);
        readyPod("stale", "web-1", rs);
        readyPod("stale", "web-2", rs);
        budget("stale", "{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");
        awaitStatus("stale", s -> s.path("disruptionsAllowed").asInt() == 1);

        // as if the API server had allowed evicting web-2 and its deletion had then failed
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode pdb = cluster.client.get(DisruptionController.BUDGETS, "stale", "web-pdb");
            pdb.with("status").put("disruptionsAllowed", 0).putObject("disruptedPods")
                    .put("web-2", Meta.time(clock.instant()));
            return cluster.client.updateStatus(DisruptionController.BUDGETS, pdb);
        });
        JsonNode status = awaitStatus("stale", s -> s.path("currentHealthy").asInt() == 1);
        assertThat(status.path("disruptedPods").has("web-2")).isTrue();
        assertThat(status.path("disruptionsAllowed").asInt()).isZero();

        clock.advance(Duration.ofMinutes(2).plusSeconds(5));
        status = awaitStatus("stale", s -> !s.has("disruptedPods"));
        assertThat(status.path("currentHealthy").asInt()).isEqualTo(2);
        assertThat(status.path("disruptionsAllowed").asInt()).isEqualTo(1);
    }

    @Test
    void percentagesCountTheDeploymentsScaleAndAPodWithoutScaleFailsSafe() {
        namespace("pct");
        ObjectNode deployment = create(SharedInformers.DEPLOYMENTS, "pct", "web", workloadSpec(4), null, null);
        ObjectNode rs = replicaSet("pct", "web-abc", 4, deployment);
        readyPod("pct", "web-1", rs);
        readyPod("pct", "web-2", rs);
        readyPod("pct", "web-3", rs);
        budget("pct", "{\"minAvailable\":\"50%\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}");
        // 4 expected (the Deployment's replicas, not the 3 pods), 2 wanted, 3 healthy
        JsonNode status = awaitStatus("pct", s -> s.path("expectedPods").asInt() == 4);
        assertThat(status.path("desiredHealthy").asInt()).isEqualTo(2);
        assertThat(status.path("disruptionsAllowed").asInt()).isEqualTo(1);

        // a pod whose controller is no ReplicaSet, Deployment or StatefulSet: nothing can be computed
        ResourceType jobs = SharedInformers.type("batch/v1", "Job");
        ObjectNode jobSpec = workloadSpec(1);
        jobSpec.remove(List.of("replicas", "selector"));
        jobSpec.with("template").with("spec").put("restartPolicy", "Never");
        ObjectNode job = create(jobs, "pct", "batch", jobSpec, null, null);
        pod("pct", "batch-1", job, jobs);

        status = awaitStatus("pct", s -> condition(s).path("reason").asText().equals("SyncFailed"));
        assertThat(status.path("disruptionsAllowed").asInt()).isZero();
        assertThat(condition(status).path("status").asText()).isEqualTo("False");
        assertThat(condition(status).path("message").asText()).isEqualTo("found no controllers for pod \"batch-1\"");
    }

    private static JsonNode condition(JsonNode status) {
        for (JsonNode c : status.path("conditions")) {
            if ("DisruptionAllowed".equals(c.path("type").asText())) {
                return c;
            }
        }
        return Json.object();
    }
}
