package io.gantry.controllers.cronjob;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.ListQuery;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.MutableClock;
import io.gantry.controllers.job.JobController;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CronJob controller against a real API server with a clock the test moves; the test plays the Job
 * controller, finishing Jobs by writing their status.
 */
class CronJobControllerTest {
    @TempDir
    static Path dir;
    static ClusterFixture cluster;
    ControllerManager manager;
    /** Each test has its own clock (and manager), so moving time in one does not make another's Jobs due. */
    MutableClock clock;

    @BeforeAll
    static void startServer() {
        cluster = new ClusterFixture(dir);
    }

    @AfterAll
    static void stopServer() {
        cluster.close();
    }

    @BeforeEach
    void startManager() {
        clock = new MutableClock(Instant.now());
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), clock,
                List.of(CronJobController::new));
        manager.start();
    }

    @AfterEach
    void stopManager() {
        manager.close();
    }

    static ObjectNode cronJob(String name, String schedule, String policy) {
        ObjectNode cj = Json.object().put("apiVersion", "batch/v1").put("kind", "CronJob");
        cj.putObject("metadata").put("name", name);
        ObjectNode spec = cj.putObject("spec").put("schedule", schedule).put("concurrencyPolicy", policy)
                .put("successfulJobsHistoryLimit", 1).put("failedJobsHistoryLimit", 1);
        ObjectNode jobTemplate = spec.putObject("jobTemplate");
        jobTemplate.putObject("metadata").putObject("labels").put("cron", name);
        ObjectNode template = jobTemplate.putObject("spec").putObject("template");
        ObjectNode podSpec = template.putObject("spec").put("restartPolicy", "OnFailure");
        podSpec.putArray("containers").addObject().put("name", "c").put("image", "busybox:1.36");
        return cj;
    }

    private static List<ObjectNode> jobs(String cron) {
        return cluster.client.list(JobController.JOBS, "default", ListQuery.labels("cron=" + cron)).items();
    }

    private static List<String> jobNames(String cron) {
        return jobs(cron).stream().map(Meta::name).sorted().toList();
    }

    private static ObjectNode getCron(String name) {
        return cluster.client.get(CronJobController.CRON_JOBS, "default", name);
    }

    /** Writes the finished status a Job controller would. */
    private void finishJob(String name, String condition) {
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode job = cluster.client.get(JobController.JOBS, "default", name);
            ObjectNode status = job.with("status");
            String now = Meta.time(clock.instant());
            status.put("startTime", now);
            ArrayNode conditions = status.putArray("conditions");
            if (condition.equals("Complete")) {
                status.put("completionTime", now).put("succeeded", 1);
                conditions.addObject().put("type", "SuccessCriteriaMet").put("status", "True")
                        .put("lastTransitionTime", now);
            } else {
                status.put("failed", 1);
                conditions.addObject().put("type", "FailureTarget").put("status", "True")
                        .put("lastTransitionTime", now);
            }
            conditions.addObject().put("type", condition).put("status", "True").put("lastTransitionTime", now);
            return cluster.client.updateStatus(JobController.JOBS, job);
        });
    }

    @Test
    void createsJobsAtScheduledMinutesHonoursForbidAndCleansHistory() {
        ObjectNode cj = cluster.client.create(CronJobController.CRON_JOBS, "default",
                cronJob("tick", "* * * * *", "Forbid"));
        Instant created = Meta.creation(cj);
        CronSchedule schedule = CronSchedule.parse("* * * * *");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> jobs("tick").isEmpty());

        // First minute: one Job named after the scheduled minute.
        Instant first = schedule.next(created.isAfter(clock.instant()) ? created : clock.instant(), java.time.ZoneOffset.UTC);
        clock.advance(Duration.between(clock.instant(), first).plusSeconds(1));
        String firstName = "tick-" + ScheduleMath.nameSuffix(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobNames("tick").equals(List.of(firstName)));
        ObjectNode job = cluster.client.get(JobController.JOBS, "default", firstName);
        assertThat(Meta.controlledBy(job, cj)).isTrue();
        assertThat(job.at("/metadata/annotations").path(CronJobController.SCHEDULED_TIMESTAMP).asText())
                .isEqualTo(CronJobController.RFC3339.format(first.atZone(java.time.ZoneOffset.UTC)));
        assertThat(job.at("/metadata/annotations").path(CronJobController.SCHEDULED_TIMESTAMP).asText())
                .endsWith(":00Z");
        assertThat(job.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox:1.36");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ObjectNode s = getCron("tick");
            return s.at("/status/active").size() == 1
                    && s.at("/status/active/0/name").asText().equals(firstName)
                    && s.at("/status/lastScheduleTime").asText().equals(Meta.time(first));
        });

        // Forbid: the next minute passes while the first Job runs, and nothing starts.
        clock.advance(Duration.ofMinutes(1));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> jobNames("tick").equals(List.of(firstName)));

        // Once it finished, the missed time runs late (as in Kubernetes, no startingDeadlineSeconds set).
        finishJob(firstName, "Complete");
        Instant second = first.plus(Duration.ofMinutes(1));
        String secondName = "tick-" + ScheduleMath.nameSuffix(second);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobNames("tick").contains(secondName));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                !getCron("tick").at("/status/lastSuccessfulTime").asText().isEmpty());

        // History: one succeeded Job kept, one failed Job kept.
        finishJob(secondName, "Complete");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobNames("tick").equals(List.of(secondName)));
        Instant third = second.plus(Duration.ofMinutes(1));
        String thirdName = "tick-" + ScheduleMath.nameSuffix(third);
        clock.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> jobNames("tick").contains(thirdName));
        finishJob(thirdName, "Failed");
        Instant fourth = third.plus(Duration.ofMinutes(1));
        String fourthName = "tick-" + ScheduleMath.nameSuffix(fourth);
        clock.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> jobNames("tick").contains(fourthName));
        finishJob(fourthName, "Failed");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jobNames("tick").equals(List.of(secondName, fourthName)));
        await().atMost(Duration.ofSeconds(10)).until(() -> getCron("tick").at("/status/active").isMissingNode());
    }

    @Test
    void replaceDeletesTheActiveJobAndSuspendStopsScheduling() {
        ObjectNode cj = cluster.client.create(CronJobController.CRON_JOBS, "default",
                cronJob("swap", "* * * * *", "Replace"));
        Instant created = Meta.creation(cj);
        clock.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs("swap").size() == 1);
        String first = jobNames("swap").get(0);
        clock.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jobNames("swap").size() == 1 && !jobNames("swap").contains(first));
        assertThat(created).isNotNull();

        cluster.client.patch(CronJobController.CRON_JOBS, "default", "swap", "", io.gantry.client.PatchKind.MERGE,
                Json.object().set("spec", Json.object().put("suspend", true)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> getCron("swap").at("/spec/suspend").asBoolean());
        List<String> before = jobNames("swap");
        clock.advance(Duration.ofMinutes(1));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> jobNames("swap").equals(before));
    }

    @Test
    void timeZoneDecidesTheLocalTimeOfTheSchedule() {
        java.time.ZoneId tokyo = java.time.ZoneId.of("Asia/Tokyo");
        Instant due = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
        java.time.ZonedDateTime local = due.atZone(tokyo);
        ObjectNode spec = cronJob("tokyo", local.getMinute() + " " + local.getHour() + " * * *", "Allow");
        spec.with("spec").put("timeZone", "Asia/Tokyo");
        cluster.client.create(CronJobController.CRON_JOBS, "default", spec);
        clock.advance(Duration.between(clock.instant(), due).minusSeconds(5));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> jobs("tokyo").isEmpty());
        clock.advance(Duration.ofSeconds(6));
        String name = "tokyo-" + ScheduleMath.nameSuffix(due);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobNames("tokyo").equals(List.of(name)));
        assertThat(cluster.client.get(JobController.JOBS, "default", name).at("/metadata/annotations")
                .path(CronJobController.SCHEDULED_TIMESTAMP).asText())
                .isEqualTo(CronJobController.RFC3339.format(local))
                .endsWith("+09:00");
    }

    @Test
    void tooManyMissedTimesRunOnlyTheLatestWithAnEvent() {
        cluster.client.create(CronJobController.CRON_JOBS, "default", cronJob("late", "* * * * *", "Allow"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> jobs("late").isEmpty());
        clock.advance(Duration.ofMinutes(150));
        Instant latest = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        String name = "late-" + ScheduleMath.nameSuffix(latest);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobNames("late").equals(List.of(name)));
        await().atMost(Duration.ofSeconds(10)).until(() -> events("late").contains("TooManyMissedTimes"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                .until(() -> jobNames("late").equals(List.of(name)));
    }

    @Test
    void aTimeMissedByMoreThanTheStartingDeadlineIsSkipped() {
        ObjectNode spec = cronJob("strict", "* * * * *", "Forbid");
        spec.with("spec").put("startingDeadlineSeconds", 10);
        cluster.client.create(CronJobController.CRON_JOBS, "default", spec);
        Instant minute = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        // 30 s past the next minute: too late to start it. As in Kubernetes, the window searched is clamped to
        // startingDeadlineSeconds, so the time is simply not seen (the MissSchedule event is for edge cases).
        clock.advance(Duration.between(clock.instant(), minute.plus(Duration.ofSeconds(90))));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> jobs("strict").isEmpty());
        // Within the deadline of the following minute, it starts.
        clock.advance(Duration.ofSeconds(35));
        String name = "strict-" + ScheduleMath.nameSuffix(minute.plus(Duration.ofMinutes(2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> jobNames("strict").equals(List.of(name)));
    }

    private static List<String> events(String cron) {
        return cluster.client.list(io.gantry.controllers.SharedInformers.type("v1", "Event"), "default",
                        ListQuery.ALL).items().stream()
                .filter(e -> e.at("/involvedObject/name").asText().equals(cron))
                .map(e -> e.path("reason").asText()).toList();
    }
}
