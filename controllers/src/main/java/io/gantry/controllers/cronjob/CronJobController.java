package io.gantry.controllers.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.EventRecorder;
import io.gantry.client.Informer;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.SharedInformers;
import io.gantry.controllers.job.JobController;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes' CronJob controller (batch/v1, the v2 controller): creates a Job for the most recent schedule time
 * not yet run, honouring startingDeadlineSeconds, concurrencyPolicy, suspend and spec.timeZone; keeps
 * status.active, lastScheduleTime and lastSuccessfulTime; deletes finished Jobs beyond the history limits. Each
 * CronJob is requeued for its next schedule time rather than polled.
 */
public final class CronJobController extends Controller {
    public static final ResourceType CRON_JOBS = SharedInformers.type("batch/v1", "CronJob");
    public static final ResourceType JOBS = JobController.JOBS;
    public static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    /** Go's time.RFC3339 (seconds always written, "Z" for UTC), as Kubernetes formats the scheduled time. */
    public static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    /** A coarse safety net against lost requeues; schedules are met by requeueing at the next time. */
    static final Duration RESYNC = Duration.ofMinutes(5);

    private final ApiClient client;
    private final EventRecorder events;
    private final Informer cronJobs;
    private final Informer jobs;

    public CronJobController(ControllerManager.Term term) {
        super("cronjob", 5, term.clock());
        this.client = term.client();
        this.events = term.events();
        this.cronJobs = term.informers().informer(CRON_JOBS);
        this.jobs = term.informers().informer(JOBS);
        cronJobs.addHandler(queueingOwnKey(deleted -> { }));
        jobs.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode job) {
                ownerKey(job).ifPresent(CronJobController.this::enqueue);
            }

            @Override
            public void onUpdate(ObjectNode oldJob, ObjectNode newJob) {
                ownerKey(newJob).ifPresent(CronJobController.this::enqueue);
            }

            @Override
            public void onDelete(ObjectNode job) {
                ownerKey(job).ifPresent(CronJobController.this::enqueue);
            }
        });
    }

    private static Optional<String> ownerKey(JsonNode job) {
        return Meta.controllerRef(job)
                .filter(ref -> "CronJob".equals(ref.path("kind").asText()))
                .map(ref -> Meta.namespace(job) + "/" + ref.path("name").asText());
    }

    @Override
    protected void reconcile(String key) {
        int slash = key.indexOf('/');
        ObjectNode cached = cronJobs.get(key.substring(0, slash), key.substring(slash + 1)).orElse(null);
        if (cached == null) {
            return;
        }
        ObjectNode cj = Meta.copy(cached, CRON_JOBS);
        Instant now = clock.instant();
        List<ObjectNode> owned = new ArrayList<>(jobs.list().stream()
                .filter(j -> Meta.namespace(j).equals(Meta.namespace(cj)) && Meta.controlledBy(j, cj))
                .toList());
        ObjectNode status = cj.with("status");
        syncStatus(status, owned);
        cleanHistory(cj, owned);
        Optional<Duration> requeue = Meta.deleting(cj) ? Optional.empty() : schedule(cj, status, owned, now);
        ObjectNode before = cronJobs.get(Meta.namespace(cj), Meta.name(cj)).orElse(null);
        if (before == null || !status.equals(before.path("status"))) {
            client.updateStatus(CRON_JOBS, cj);
        }
        requeue.ifPresent(d -> queue.addAfter(key, d.compareTo(RESYNC) > 0 ? RESYNC : d));
    }

    /** status.active lists the unfinished Jobs it owns; lastSuccessfulTime the latest completion. */
    private static void syncStatus(ObjectNode status, List<ObjectNode> owned) {
        ArrayNode active = Json.object().arrayNode();
        Instant lastSuccess = Meta.parseTime(status.path("lastSuccessfulTime")).orElse(null);
        List<ObjectNode> sorted = owned.stream().sorted(Comparator.comparing(Meta::creation)
                .thenComparing(Meta::name)).toList();
        for (ObjectNode job : sorted) {
            if (!finished(job)) {
                active.add(reference(job));
            } else if (conditionTrue(job, "Complete")) {
                Optional<Instant> done = Meta.parseTime(job.path("status").path("completionTime"));
                if (done.isPresent() && (lastSuccess == null || done.get().isAfter(lastSuccess))) {
                    lastSuccess = done.get();
                }
            }
        }
        if (active.isEmpty()) {
            status.remove("active");
        } else {
            status.set("active", active);
        }
        if (lastSuccess != null) {
            status.put("lastSuccessfulTime", Meta.time(lastSuccess));
        }
    }

    private static ObjectNode reference(JsonNode job) {
        return Json.object().put("kind", "Job").put("namespace", Meta.namespace(job)).put("name", Meta.name(job))
                .put("uid", Meta.uid(job)).put("apiVersion", "batch/v1")
                .put("resourceVersion", job.path("metadata").path("resourceVersion").asText());
    }

    static boolean finished(JsonNode job) {
        return conditionTrue(job, "Complete") || conditionTrue(job, "Failed");
    }

    private static boolean conditionTrue(JsonNode job, String type) {
        return Meta.condition(job, type).map(c -> "True".equals(c.path("status").asText())).orElse(false);
    }

    /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
    private void cleanHistory(ObjectNode cj, List<ObjectNode> owned) {
        JsonNode spec = cj.path("spec");
        clean(cj, owned, "Complete", spec.path("successfulJobsHistoryLimit"));
        clean(cj, owned, "Failed", spec.path("failedJobsHistoryLimit"));
    }

    private void clean(ObjectNode cj, List<ObjectNode> owned, String condition, JsonNode limitNode) {
        if (!limitNode.isNumber()) {
            return;
        }
        List<ObjectNode> done = owned.stream().filter(j -> conditionTrue(j, condition) && !Meta.deleting(j))
                .sorted(Comparator.comparing((ObjectNode j) -> Meta.parseTime(j.path("status").path("startTime"))
                        .orElse(Meta.creation(j))).thenComparing(Meta::name))
                .toList();
        int excess = done.size() - limitNode.asInt();
        for (int i = 0; i < excess; i++) {
            ObjectNode job = done.get(i);
            if (deleteJob(job)) {
                owned.remove(job);
                events.event(cj, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job " + Meta.name(job));
            }
        }
    }

    private boolean deleteJob(JsonNode job) {
        try {
            client.delete(JOBS, Meta.namespace(job), Meta.name(job),
                    DeleteRequest.DEFAULT.withPropagation("Background").withUid(Meta.uid(job)));
            return true;
        } catch (ApiException e) {
            if (e.code() == 404 || e.code() == 409) {
                return true;
            }
            throw e;
        }
    }

    /** Starts the Job that is due, if any; returns when to look again. */
    private Optional<Duration> schedule(ObjectNode cj, ObjectNode status, List<ObjectNode> owned, Instant now) {
        JsonNode spec = cj.path("spec");
        ZoneId zone = clock.getZone();
        if (spec.hasNonNull("timeZone")) {
            String tz = spec.path("timeZone").asText();
            try {
                if (tz.isEmpty() || tz.equalsIgnoreCase("local")) {
                    throw new DateTimeException("unknown time zone " + tz);
                }
                zone = ZoneId.of(tz);
            } catch (DateTimeException e) {
                events.event(cj, EventRecorder.WARNING, "UnknownTimeZone", "invalid timeZone: \"" + tz + "\": "
                        + e.getMessage());
                return Optional.empty();
            }
        }
        CronSchedule schedule;
        try {
            schedule = CronSchedule.parse(spec.path("schedule").asText(""));
        } catch (IllegalArgumentException e) {
            events.event(cj, EventRecorder.WARNING, "UnparseableSchedule", "unparseable schedule: \""
                    + spec.path("schedule").asText("") + "\" : " + e.getMessage());
            return Optional.empty();
        }
        if (spec.path("suspend").asBoolean(false)) {
            return Optional.empty();
        }
        Instant earliest = Meta.parseTime(status.path("lastScheduleTime")).orElse(Meta.creation(cj));
        JsonNode deadline = spec.path("startingDeadlineSeconds");
        if (deadline.isNumber()) {
            Instant limit = now.minusSeconds(deadline.asLong());
            if (limit.isAfter(earliest)) {
                earliest = limit;
            }
        }
        ScheduleMath.Unmet unmet = ScheduleMath.mostRecent(schedule, zone, earliest, now);
        Optional<Duration> next = ScheduleMath.next(schedule, zone, now).map(t -> Duration.between(now, t));
        if (unmet.mostRecent().isEmpty()) {
            return next.or(() -> Optional.of(RESYNC));
        }
        Instant scheduled = unmet.mostRecent().get();
        if (unmet.tooMany()) {
            events.event(cj, EventRecorder.WARNING, "TooManyMissedTimes", "too many missed start times: "
                    + unmet.missed() + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        }
        if (deadline.isNumber() && scheduled.plusSeconds(deadline.asLong()).isBefore(now)) {
            events.event(cj, EventRecorder.WARNING, "MissSchedule", "Missed scheduled time to start a job: "
                    + RFC3339.format(scheduled.atZone(zone)));
            return next;
        }
        String jobName = Meta.name(cj) + "-" + ScheduleMath.nameSuffix(scheduled);
        boolean alreadyRan = owned.stream().anyMatch(j -> Meta.name(j).equals(jobName))
                || jobs.get(Meta.namespace(cj), jobName).isPresent();
        if (alreadyRan) {
            status.put("lastScheduleTime", Meta.time(scheduled));
            return next;
        }
        List<ObjectNode> active = owned.stream().filter(j -> !finished(j) && !Meta.deleting(j)).toList();
        String policy = spec.path("concurrencyPolicy").asText("Allow");
        if ("Forbid".equals(policy) && !active.isEmpty()) {
            // Like Kubernetes: lastScheduleTime stays, so the time runs late when the active Job ends (within
            // startingDeadlineSeconds, if set).
            events.event(cj, EventRecorder.NORMAL, "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid");
            return next;
        }
        if ("Replace".equals(policy)) {
            for (ObjectNode job : active) {
                deleteJob(job);
                events.event(cj, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job " + Meta.name(job));
                removeActive(status, Meta.uid(job));
            }
        }
        ObjectNode job = jobFor(cj, jobName, scheduled, zone);
        try {
            ObjectNode created = client.create(JOBS, Meta.namespace(cj), job);
            events.event(cj, EventRecorder.NORMAL, "SuccessfulCreate", "Created job " + jobName);
            status.withArray("active").add(reference(created));
        } catch (ApiException e) {
            if (e.code() != 409) {
                events.event(cj, EventRecorder.WARNING, "FailedCreate", "Error creating job: " + e.getMessage());
                throw e;
            }
            // Already created by an earlier sync whose status write was lost: the informer will show it.
        }
        status.put("lastScheduleTime", Meta.time(scheduled));
        return next;
    }

    private static void removeActive(ObjectNode status, String uid) {
        ArrayNode active = status.withArray("active");
        for (int i = active.size() - 1; i >= 0; i--) {
            if (uid.equals(active.get(i).path("uid").asText())) {
                active.remove(i);
            }
        }
        if (active.isEmpty()) {
            status.remove("active");
        }
    }

    /** Kubernetes' getJobFromTemplate2. */
    static ObjectNode jobFor(ObjectNode cj, String name, Instant scheduled, ZoneId zone) {
        JsonNode template = cj.path("spec").path("jobTemplate");
        ObjectNode job = Json.object().put("apiVersion", "batch/v1").put("kind", "Job");
        ObjectNode meta = job.putObject("metadata");
        meta.put("name", name).put("namespace", Meta.namespace(cj));
        ObjectNode labels = meta.putObject("labels");
        template.path("metadata").path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
        ObjectNode annotations = meta.putObject("annotations");
        template.path("metadata").path("annotations").properties()
                .forEach(e -> annotations.set(e.getKey(), e.getValue()));
        annotations.put(SCHEDULED_TIMESTAMP, RFC3339.format(scheduled.atZone(zone)));
        if (labels.isEmpty()) {
            meta.remove("labels");
        }
        meta.putArray("ownerReferences").add(Meta.controllerRefTo(cj, CRON_JOBS));
        job.set("spec", template.path("spec").isObject() ? template.path("spec").deepCopy() : Json.object());
        return job;
    }
}
