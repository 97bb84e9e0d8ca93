package io.gantry.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.PatchKind;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.MutableClock;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Job controller against a real API server; the test plays the node, binding pods and finishing them. */
class JobControllerTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    static ControllerManager manager;
    static final MutableClock CLOCK = new MutableClock(Instant.now());

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(dir);
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), CLOCK,
                List.of(JobController::new));
        manager.start();
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    static ObjectNode job(String name, Integer completions, int parallelism) {
        ObjectNode job = Json.object().put("apiVersion", "batch/v1").put("kind", "Job");
        job.putObject("metadata").put("name", name);
        ObjectNode spec = job.putObject("spec").put("parallelism", parallelism);
        if (completions != null) {
            spec.put("completions", completions);
        }
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name);
        ObjectNode podSpec = template.putObject("spec").put("restartPolicy", "Never");
        podSpec.putArray("containers").addObject().put("name", "c").put("image", "busybox:1.36");
        return job;
    }

    private static ObjectNode getJob(String name) {
        return cluster.client.get(JobController.JOBS, "default", name);
    }

    private static List<ObjectNode> activePods(String job) {
        return cluster.activePods("default", "job-name=" + job);
    }

    /** Binds the pod and reports it finished, as a kubelet would. */
    private static void finish(ObjectNode pod, String phase) {
        String name = Meta.name(pod);
        ObjectNode binding = Json.object().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", name);
        binding.putObject("target").put("kind", "Node").put("name", "node-1");
        cluster.client.post(SharedInformers.PODS, "default", name, "binding", binding);
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode fresh = cluster.client.get(SharedInformers.PODS, "default", name);
            fresh.with("status").put("phase", phase);
            return cluster.client.updateStatus(SharedInformers.PODS, fresh);
        });
    }

    private static Optional<JsonNode> condition(String job, String type) {
        return Meta.condition(getJob(job), type).filter(c -> "True".equals(c.path("status").asText()));
    }

    @Test
    void completionsFiveParallelismTwoNeverRunsMoreThanTwo() {
        ObjectNode created = cluster.client.create(JobController.JOBS, "default", job("five", 5, 2));
        AtomicInteger maxActive = new AtomicInteger();
        for (int done = 0; done < 5; done++) {
            int expected = Math.min(2, 5 - done);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                int n = activePods("five").size();
                maxActive.accumulateAndGet(n, Math::max);
                return n == expected;
            });
            finish(activePods("five").get(0), "Succeeded");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> condition("five", "Complete").isPresent());
        ObjectNode job = getJob("five");
        assertThat(maxActive.get()).isLessThanOrEqualTo(2);
        assertThat(job.at("/status/succeeded").asInt()).isEqualTo(5);
        assertThat(job.at("/status/active").asInt()).isZero();
        assertThat(job.at("/status/startTime").asText()).isNotEmpty();
        assertThat(job.at("/status/completionTime").asText()).isNotEmpty();
        List<String> types = new ArrayList<>();
        job.at("/status/conditions").forEach(c -> types.add(c.path("type").asText()));
        assertThat(types).containsSubsequence("SuccessCriteriaMet", "Complete");
        assertThat(cluster.activePods("default", "app=five")).isEmpty();
        // The generated selector is written when the server accepts it; Gantry's API server refuses a late
        // selector (immutable), and the controller then applies the same selector implicitly.
        if (!job.at("/spec/selector").isMissingNode()) {
            assertThat(job.at("/spec/selector/matchLabels").path(JobController.CONTROLLER_UID).asText())
                    .isEqualTo(Meta.uid(created));
        }

        List<ObjectNode> pods = cluster.pods("default", "app=five");
        assertThat(pods).hasSize(5);
        for (ObjectNode p : pods) {
            assertThat(Meta.name(p)).startsWith("five-");
            assertThat(Meta.labels(p)).containsEntry(JobController.CONTROLLER_UID, Meta.uid(created))
                    .containsEntry("controller-uid", Meta.uid(created))
                    .containsEntry("job-name", "five").containsEntry(JobController.JOB_NAME, "five");
            assertThat(Meta.controlledBy(p, created)).isTrue();
        }
    }

    @Test
    void failedPodsBeyondBackoffLimitFailTheJob() {
        ObjectNode spec = job("flaky", 1, 1);
        spec.with("spec").put("backoffLimit", 1);
        cluster.client.create(JobController.JOBS, "default", spec);
        for (int attempt = 0; attempt < 2; attempt++) {
            await().atMost(Duration.ofSeconds(10)).until(() -> activePods("flaky").size() == 1);
            finish(activePods("flaky").get(0), "Failed");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> condition("flaky", "Failed").isPresent());
        ObjectNode job = getJob("flaky");
        assertThat(Meta.condition(job, "Failed").orElseThrow().path("reason").asText())
                .isEqualTo("BackoffLimitExceeded");
        assertThat(job.at("/status/failed").asInt()).isEqualTo(2);
        assertThat(job.at("/status/active").asInt()).isZero();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                .until(() -> activePods("flaky").isEmpty());
    }

    @Test
    void indexedJobCompletesEachIndex() {
        ObjectNode spec = job("idx", 3, 3);
        spec.with("spec").put("completionMode", "Indexed");
        cluster.client.create(JobController.JOBS, "default", spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> activePods("idx").size() == 3);
        List<String> indexes = new ArrayList<>();
        for (ObjectNode p : activePods("idx")) {
            String index = Meta.labels(p).get(JobController.COMPLETION_INDEX);
            indexes.add(index);
            assertThat(p.at("/metadata/annotations").path(JobController.COMPLETION_INDEX).asText()).isEqualTo(index);
            assertThat(Meta.name(p)).startsWith("idx-" + index + "-");
            assertThat(p.at("/spec/containers/0/env/0/name").asText()).isEqualTo("JOB_COMPLETION_INDEX");
        }
        assertThat(indexes).containsExactlyInAnyOrder("0", "1", "2");

        ObjectNode one = activePods("idx").stream()
                .filter(p -> "1".equals(Meta.labels(p).get(JobController.COMPLETION_INDEX))).findFirst().orElseThrow();
        finish(one, "Succeeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(getJob("idx").at("/status/completedIndexes").asText()));
        // A failed index is retried with a new pod of the same index.
        ObjectNode zero = activePods("idx").stream()
                .filter(p -> "0".equals(Meta.labels(p).get(JobController.COMPLETION_INDEX))).findFirst().orElseThrow();
        finish(zero, "Failed");
        await().atMost(Duration.ofSeconds(10)).until(() -> activePods("idx").stream()
                .anyMatch(p -> "0".equals(Meta.labels(p).get(JobController.COMPLETION_INDEX))
                        && !Meta.name(p).equals(Meta.name(zero))));
        for (ObjectNode p : activePods("idx")) {
            finish(p, "Succeeded");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> condition("idx", "Complete").isPresent());
        ObjectNode job = getJob("idx");
        assertThat(job.at("/status/completedIndexes").asText()).isEqualTo("0-2");
        assertThat(job.at("/status/succeeded").asInt()).isEqualTo(3);
        assertThat(job.at("/status/failed").asInt()).isEqualTo(1);
    }

    @Test
    void workQueueJobCompletesWhenOneSucceededAndNoneRuns() {
        cluster.client.create(JobController.JOBS, "default", job("queue", null, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> activePods("queue").size() == 2);
        List<ObjectNode> pods = activePods("queue");
        finish(pods.get(0), "Succeeded");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                .until(() -> activePods("queue").size() == 1 && condition("queue", "Complete").isEmpty());
        finish(pods.get(1), "Succeeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> condition("queue", "Complete").isPresent());
        assertThat(getJob("queue").at("/status/succeeded").asInt()).isEqualTo(2);
    }

    @Test
    void suspendedJobRunsNoPodsUntilResumed() {
        ObjectNode spec = job("paused", 2, 2);
        spec.with("spec").put("suspend", true);
        cluster.client.create(JobController.JOBS, "default", spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> condition("paused", "Suspended").isPresent());
        assertThat(activePods("paused")).isEmpty();
        cluster.client.patch(JobController.JOBS, "default", "paused", "", PatchKind.MERGE,
                Json.object().set("spec", Json.object().put("suspend", false)));
        await().atMost(Duration.ofSeconds(10)).until(() -> activePods("paused").size() == 2);
        cluster.client.patch(JobController.JOBS, "default", "paused", "", PatchKind.MERGE,
                Json.object().set("spec", Json.object().put("suspend", true)));
        await().atMost(Duration.ofSeconds(10)).until(() -> activePods("paused").isEmpty());
    }

    /** Moves the shared clock, so deadline and TTL run after each other in one test. */
    @Test
    void activeDeadlineFailsTheJobAndTtlDeletesIt() {
        ObjectNode spec = job("slow", 1, 1);
        spec.with("spec").put("activeDeadlineSeconds", 30).put("ttlSecondsAfterFinished", 60);
        cluster.client.create(JobController.JOBS, "default", spec);
        await().atMost(Duration.ofSeconds(10)).until(() -> activePods("slow").size() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                .until(() -> condition("slow", "Failed").isEmpty());
        CLOCK.advance(Duration.ofSeconds(31));
        await().atMost(Duration.ofSeconds(10)).until(() -> condition("slow", "Failed").isPresent());
        assertThat(Meta.condition(getJob("slow"), "Failed").orElseThrow().path("reason").asText())
                .isEqualTo("DeadlineExceeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> activePods("slow").isEmpty());
        assertThat(cluster.client.find(JobController.JOBS, "default", "slow")).isPresent();
        CLOCK.advance(Duration.ofSeconds(61));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cluster.client.find(JobController.JOBS, "default", "slow").isEmpty());
        assertThat(cluster.pods("default", "job-name=slow").stream().filter(Pods::active)).isEmpty();
    }
}
