package io.gantry.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.selector.LabelSelector;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.EventRecorder;
import io.gantry.client.Informer;
import io.gantry.client.PatchKind;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Expectations;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' Job controller (batch/v1): runs pods until spec.completions succeeded (or, without completions, until
 * one succeeded and none runs), at most spec.parallelism at a time; fails the Job past backoffLimit or
 * activeDeadlineSeconds; supports Indexed completion mode, suspend and ttlSecondsAfterFinished.
 *
 * <p>Differences from Kubernetes: pods are not tracked with the batch.kubernetes.io/job-tracking finalizer, so
 * status.uncountedTerminatedPods is not used and succeeded/failed count the finished pods that still exist
 * (completedIndexes, by contrast, only grows); orphan pods are not adopted; podFailurePolicy,
 * backoffLimitPerIndex, successPolicy and the pod backoff delay are not implemented.
 */
public final class JobController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(JobController.class);
    public static final ResourceType JOBS = SharedInformers.type("batch/v1", "Job");
    public static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    public static final String LEGACY_CONTROLLER_UID = "controller-uid";
    public static final String JOB_NAME = "batch.kubernetes.io/job-name";
    public static final String LEGACY_JOB_NAME = "job-name";
    public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    public static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";
    /** Kubernetes' maxPodCreateDeletePerSync. */
    public static final int BURST = 500;

    private final ApiClient client;
    private final EventRecorder events;
    private final Informer jobs;
    private final Informer pods;
    private final Expectations expectations;
    /** Jobs whose late selector the server refused: not asked again for the rest of the term. */
    private final Set<String> selectorRefused = ConcurrentHashMap.newKeySet();

    public JobController(ControllerManager.Term term) {
        super("job", 5, term.clock());
        this.client = term.client();
        this.events = term.events();
        this.expectations = new Expectations(term.clock());
        this.jobs = term.informers().informer(JOBS);
        this.pods = term.informers().informer(SharedInformers.PODS);
        jobs.addHandler(queueingOwnKey(deleted -> {
            expectations.delete(Meta.key(deleted));
            selectorRefused.remove(Meta.uid(deleted));
        }));
        pods.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode pod) {
                ownerKey(pod).ifPresent(owner -> {
                    expectations.creationObserved(owner);
                    if (Meta.deleting(pod)) {
                        expectations.deletionObserved(owner, Meta.key(pod));
                    }
                    enqueue(owner);
                });
            }

            @Override
            public void onUpdate(ObjectNode oldPod, ObjectNode newPod) {
                ownerKey(newPod).ifPresent(owner -> {
                    if (Meta.deleting(newPod)) {
                        expectations.deletionObserved(owner, Meta.key(newPod));
                    }
                    enqueue(owner);
                });
            }

            @Override
            public void onDelete(ObjectNode pod) {
                ownerKey(pod).ifPresent(owner -> {
                    expectations.deletionObserved(owner, Meta.key(pod));
                    enqueue(owner);
                });
            }
        });
    }

    private Optional<String> ownerKey(JsonNode pod) {
        return Meta.controllerRef(pod)
                .filter(ref -> "Job".equals(ref.path("kind").asText()))
                .map(ref -> Meta.namespace(pod) + "/" + ref.path("name").asText());
    }

    @Override
    protected void reconcile(String key) throws Exception {
        int slash = key.indexOf('/');
        ObjectNode cached = jobs.get(key.substring(0, slash), key.substring(slash + 1)).orElse(null);
        if (cached == null) {
            expectations.delete(key);
            return;
        }
        ObjectNode job = Meta.copy(cached, JOBS);
        if (Meta.deleting(job)) {
            return;
        }
        List<ObjectNode> owned = SharedInformers.controlledBy(pods, Meta.uid(job)).stream()
                .filter(p -> Meta.namespace(p).equals(Meta.namespace(job)) && Meta.controlledBy(p, job))
                .toList();
        List<ObjectNode> active = owned.stream().filter(Pods::active).toList();
        if (finished(job)) {
            deleteAll(key, job, active);
            handleTtl(key, job);
            return;
        }
        if (!expectations.satisfied(key)) {
            return;
        }
        ensureSelector(job);
        new Sync(key, job, owned, active).run();
    }

    static boolean finished(JsonNode job) {
        return conditionTrue(job, "Complete") || conditionTrue(job, "Failed");
    }

    private static boolean conditionTrue(JsonNode job, String type) {
        return Meta.condition(job, type).map(c -> "True".equals(c.path("status").asText())).orElse(false);
    }

    /**
     * Kubernetes' API server generates the controller-uid selector and template labels on create; Gantry's does
     * not, so the controller adds them once. spec.selector is immutable afterwards, and a server that refuses the
     * late write (422) leaves the controller with the same selector applied implicitly to the pods it creates.
     */
    private void ensureSelector(ObjectNode job) {
        JsonNode spec = job.path("spec");
        if (spec.path("selector").isObject() || spec.path("manualSelector").asBoolean(false)
                || selectorRefused.contains(Meta.uid(job))) {
            return;
        }
        ObjectNode patch = Json.object();
        ObjectNode patchSpec = patch.putObject("spec");
        patchSpec.putObject("selector").putObject("matchLabels").put(CONTROLLER_UID, Meta.uid(job));
        ObjectNode labels = patchSpec.putObject("template").putObject("metadata").putObject("labels");
        generatedLabels(job).forEach(labels::put);
        patch.putObject("metadata").put("resourceVersion", job.path("metadata").path("resourceVersion").asText());
        try {
            ObjectNode updated = client.patch(JOBS, Meta.namespace(job), Meta.name(job), "", PatchKind.MERGE, patch);
            job.set("spec", updated.path("spec").deepCopy());
            job.with("metadata").put("resourceVersion", updated.path("metadata").path("resourceVersion").asText());
        } catch (ApiException e) {
            if (e.code() == 409) {
                throw e;
            }
            selectorRefused.add(Meta.uid(job));
            LOG.debug("job {}: selector not written ({}), applying it implicitly", Meta.key(job), e.getMessage());
        }
    }

    private static Map<String, String> generatedLabels(JsonNode job) {
        return Map.of(CONTROLLER_UID, Meta.uid(job), LEGACY_CONTROLLER_UID, Meta.uid(job),
                JOB_NAME, Meta.name(job), LEGACY_JOB_NAME, Meta.name(job));
    }

    /** The selector pods are judged by: the Job's, or the generated one while it is not written. */
    static LabelSelector selector(JsonNode job) {
        JsonNode s = job.path("spec").path("selector");
        if (s.isObject()) {
            return LabelSelector.fromJson(s);
        }
        return LabelSelector.parse(CONTROLLER_UID + "=" + Meta.uid(job));
    }

    /** One sync of an unfinished Job. */
    private final class Sync {
        private final String key;
        private final ObjectNode job;
        private final JsonNode spec;
        private final List<ObjectNode> active;
        private final List<ObjectNode> owned;
        private final Instant now = clock.instant();
        private final boolean indexed;
        private final Integer completions;

        Sync(String key, ObjectNode job, List<ObjectNode> owned, List<ObjectNode> active) {
            this.key = key;
            this.job = job;
            this.spec = job.path("spec");
            LabelSelector selector = selector(job);
            this.owned = owned.stream().filter(p -> selector.matches(Meta.labels(p))).toList();
            this.active = active.stream().filter(p -> selector.matches(Meta.labels(p))).toList();
            this.indexed = "Indexed".equals(spec.path("completionMode").asText());
            this.completions = spec.path("completions").isNumber() ? spec.path("completions").asInt() : null;
        }

        void run() throws InterruptedException {
            ObjectNode status = job.with("status");
            int succeeded = (int) owned.stream().filter(p -> "Succeeded".equals(Pods.phase(p))).count();
            int failed = (int) owned.stream().filter(p -> "Failed".equals(Pods.phase(p))).count();
            SortedSet<Integer> completedIndexes = new TreeSet<>();
            if (indexed) {
                completedIndexes.addAll(JobMath.parseIndexes(status.path("completedIndexes").asText(""),
                        completions));
                for (ObjectNode p : owned) {
                    if ("Succeeded".equals(Pods.phase(p))) {
                        index(p).filter(i -> i < completions).ifPresent(completedIndexes::add);
                    }
                }
                succeeded = completedIndexes.size();
            }
            // Counts never shrink: a finished pod deleted by pod GC must not be run again.
            succeeded = Math.max(succeeded, status.path("succeeded").asInt(0));
            failed = Math.max(failed, status.path("failed").asInt(0));
            JobMath.Counts counts = new JobMath.Counts(active.size(), succeeded, failed);
            boolean suspended = spec.path("suspend").asBoolean(false);
            int parallelism = spec.path("parallelism").asInt(1);
            int backoffLimit = spec.path("backoffLimit").asInt(6);

            List<ObjectNode> remaining = active;
            String failure = null;
            String failureMessage = null;
            if (JobMath.backoffLimitExceeded(failed, backoffLimit)) {
                failure = "BackoffLimitExceeded";
                failureMessage = "Job has reached the specified backoff limit";
            } else if (!suspended && pastDeadline(status)) {
                failure = "DeadlineExceeded";
                failureMessage = "Job was active longer than specified deadline";
            }
            boolean complete = failure == null && (indexed
                    ? completedIndexes.size() >= completions
                    : JobMath.nonIndexedComplete(completions, counts));

            if (failure != null) {
                deleteAll(key, job, active);
                remaining = List.of();
                setCondition(status, "FailureTarget", "True", failure, failureMessage);
                setCondition(status, "Failed", "True", failure, failureMessage);
                events.event(job, EventRecorder.WARNING, failure, failureMessage);
            } else if (complete) {
                deleteAll(key, job, active);
                remaining = List.of();
                setCondition(status, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods");
                setCondition(status, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods");
                status.put("completionTime", Meta.time(now));
                events.event(job, EventRecorder.NORMAL, "Completed", "Job completed");
            } else if (suspended) {
                deleteAll(key, job, active);
                remaining = List.of();
                if (setCondition(status, "Suspended", "True", "JobSuspended", "Job suspended")) {
                    status.remove("startTime");
                    events.event(job, EventRecorder.NORMAL, "Suspended", "Job suspended");
                }
            } else {
                if (Meta.condition(job, "Suspended").isPresent()
                        && setCondition(status, "Suspended", "False", "JobResumed", "Job resumed")) {
                    status.put("startTime", Meta.time(now));
                    events.event(job, EventRecorder.NORMAL, "Resumed", "Job resumed");
                }
                if (!status.has("startTime")) {
                    status.put("startTime", Meta.time(now));
                }
                remaining = manage(counts, parallelism, completedIndexes);
                requeueAtDeadline(status);
            }

            status.put("active", remaining.size());
            status.put("ready", (int) remaining.stream().filter(Pods::ready).count());
            status.put("succeeded", succeeded);
            status.put("failed", failed);
            status.put("terminating", (int) owned.stream().filter(p -> Meta.deleting(p)
                    && !"Succeeded".equals(Pods.phase(p)) && !"Failed".equals(Pods.phase(p))).count());
            if (indexed) {
                status.put("completedIndexes", JobMath.formatIndexes(completedIndexes));
            }
            ObjectNode before = jobs.get(Meta.namespace(job), Meta.name(job)).orElse(null);
            if (before == null || !status.equals(before.path("status"))) {
                client.updateStatus(JOBS, job);
            }
            if (failure != null || complete) {
                handleTtl(key, job);
            }
        }

        private boolean pastDeadline(JsonNode status) {
            JsonNode ads = spec.path("activeDeadlineSeconds");
            Optional<Instant> start = Meta.parseTime(status.path("startTime"));
            return ads.isNumber() && start.isPresent()
                    && !now.isBefore(start.get().plusSeconds(ads.asLong()));
        }

        private void requeueAtDeadline(JsonNode status) {
            JsonNode ads = spec.path("activeDeadlineSeconds");
            Optional<Instant> start = Meta.parseTime(status.path("startTime"));
            if (ads.isNumber() && start.isPresent()) {
                queue.addAfter(key, Duration.between(now, start.get().plusSeconds(ads.asLong())));
            }
        }

        /** Creates or deletes pods; returns the pods that stay active. */
        private List<ObjectNode> manage(JobMath.Counts counts, int parallelism, SortedSet<Integer> completed)
                throws InterruptedException {
            if (indexed) {
                SortedSet<Integer> running = new TreeSet<>();
                List<ObjectNode> surplus = new ArrayList<>();
                for (ObjectNode p : active) {
                    Optional<Integer> i = index(p);
                    // Pods without a valid index, of an index already done, or duplicates go.
                    if (i.isEmpty() || i.get() >= completions || completed.contains(i.get()) || !running.add(i.get())) {
                        surplus.add(p);
                    }
                }
                List<ObjectNode> keep = new ArrayList<>(active);
                if (running.size() > parallelism) {
                    active.stream().filter(p -> !surplus.contains(p)).sorted(newestFirst())
                            .limit(running.size() - parallelism).forEach(surplus::add);
                }
                deleteAll(key, job, surplus);
                keep.removeAll(surplus);
                List<Integer> start = JobMath.indexesToStart(completions, parallelism, completed, running);
                create(start.stream().limit(BURST).map(Optional::of).toList());
                return keep;
            }
            int diff = JobMath.nonIndexedDiff(completions, parallelism, counts);
            if (diff > 0) {
                List<Optional<Integer>> none = new ArrayList<>();
                for (int i = 0; i < Math.min(diff, BURST); i++) {
                    none.add(Optional.empty());
                }
                create(none);
                return active;
            }
            if (diff < 0) {
                List<ObjectNode> victims = active.stream().sorted(newestFirst()).limit(-diff).toList();
                deleteAll(key, job, victims);
                List<ObjectNode> keep = new ArrayList<>(active);
                keep.removeAll(victims);
                return keep;
            }
            return active;
        }

        private void create(List<Optional<Integer>> indexes) throws InterruptedException {
            if (indexes.isEmpty()) {
                return;
            }
            expectations.expectCreations(key, indexes.size());
            List<Thread> threads = new ArrayList<>();
            for (Optional<Integer> index : indexes) {
                threads.add(Thread.ofVirtual().start(() -> {
                    if (!createPod(index)) {
                        expectations.creationObserved(key);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
        }

        private boolean createPod(Optional<Integer> index) {
            JsonNode template = spec.path("template");
            ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
            ObjectNode meta = pod.putObject("metadata");
            meta.put("generateName", Meta.name(job) + "-" + index.map(i -> i + "-").orElse(""))
                    .put("namespace", Meta.namespace(job));
            ObjectNode labels = meta.putObject("labels");
            template.path("metadata").path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
            if (!spec.path("manualSelector").asBoolean(false)) {
                generatedLabels(job).forEach(labels::put);
            }
            ObjectNode annotations = meta.putObject("annotations");
            template.path("metadata").path("annotations").properties()
                    .forEach(e -> annotations.set(e.getKey(), e.getValue()));
            if (template.path("metadata").path("finalizers").isArray()) {
                meta.set("finalizers", template.path("metadata").path("finalizers").deepCopy());
            }
            meta.putArray("ownerReferences").add(Meta.controllerRefTo(job, JOBS));
            ObjectNode podSpec = template.path("spec").isObject()
                    ? (ObjectNode) template.path("spec").deepCopy() : Json.object();
            if (index.isPresent()) {
                String i = String.valueOf(index.get());
                labels.put(COMPLETION_INDEX, i);
                annotations.put(COMPLETION_INDEX, i);
                addIndexEnv(podSpec.withArray("containers"), i);
                if (podSpec.path("initContainers").isArray()) {
                    addIndexEnv(podSpec.withArray("initContainers"), i);
                }
                if (!podSpec.has("hostname")) {
                    podSpec.put("hostname", Meta.name(job) + "-" + i);
                }
            }
            if (annotations.isEmpty()) {
                meta.remove("annotations");
            }
            pod.set("spec", podSpec);
            try {
                String created = client.createReturningName(SharedInformers.PODS, Meta.namespace(job), pod);
                events.event(job, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created);
                return true;
            } catch (ApiException e) {
                events.event(job, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
                return false;
            }
        }
    }

    /** Kubernetes' API server injects JOB_COMPLETION_INDEX from the annotation; Gantry's does not, so here. */
    private static void addIndexEnv(ArrayNode containers, String index) {
        for (JsonNode c : containers) {
            ArrayNode env = ((ObjectNode) c).withArray("env");
            boolean present = false;
            for (JsonNode e : env) {
                present |= COMPLETION_INDEX_ENV.equals(e.path("name").asText());
            }
            if (!present) {
                env.addObject().put("name", COMPLETION_INDEX_ENV).putObject("valueFrom").putObject("fieldRef")
                        .put("fieldPath", "metadata.annotations['" + COMPLETION_INDEX + "']");
            }
        }
    }

    static Optional<Integer> index(JsonNode pod) {
        String s = pod.path("metadata").path("annotations").path(COMPLETION_INDEX).asText(
                pod.path("metadata").path("labels").path(COMPLETION_INDEX).asText(""));
        try {
            int i = Integer.parseInt(s);
            return i >= 0 ? Optional.of(i) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Not yet scheduled before scheduled, pending before running, then newest first: the cheapest to lose. */
    private static Comparator<ObjectNode> newestFirst() {
        return Comparator.<ObjectNode>comparingInt(p -> Pods.nodeName(p).isEmpty() ? 0 : 1)
                .thenComparingInt(p -> "Pending".equals(Pods.phase(p)) ? 0 : 1)
                .thenComparing(Meta::creation, Comparator.reverseOrder());
    }

    /** Sets a condition; true when it changed status. */
    private boolean setCondition(ObjectNode status, String type, String value, String reason, String message) {
        ArrayNode conditions = status.withArray("conditions");
        String now = Meta.time(clock.instant());
        for (JsonNode c : conditions) {
            if (type.equals(c.path("type").asText())) {
                ObjectNode o = (ObjectNode) c;
                if (value.equals(o.path("status").asText())) {
                    // Unchanged: rewriting probe times would make every sync write status.
                    return false;
                }
                o.put("status", value).put("reason", reason).put("message", message).put("lastProbeTime", now)
                        .put("lastTransitionTime", now);
                return true;
            }
        }
        conditions.addObject().put("type", type).put("status", value).put("lastProbeTime", now)
                .put("lastTransitionTime", now).put("reason", reason).put("message", message);
        return true;
    }

    private void deleteAll(String key, ObjectNode job, List<ObjectNode> victims) throws InterruptedException {
        if (victims.isEmpty()) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>();
        victims.forEach(v -> keys.add(Meta.key(v)));
        expectations.expectDeletions(key, keys);
        List<Thread> threads = new ArrayList<>();
        for (ObjectNode pod : victims) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    client.delete(SharedInformers.PODS, Meta.namespace(pod), Meta.name(pod),
                            DeleteRequest.DEFAULT.withUid(Meta.uid(pod)));
                    events.event(job, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + Meta.name(pod));
                } catch (ApiException e) {
                    expectations.deletionObserved(key, Meta.key(pod));
                    if (e.code() != 404) {
                        events.event(job, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + e.getMessage());
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** ttlSecondsAfterFinished (Kubernetes' TTL-after-finished controller): delete the Job, in the background. */
    private void handleTtl(String key, ObjectNode job) {
        JsonNode ttl = job.path("spec").path("ttlSecondsAfterFinished");
        if (!ttl.isNumber()) {
            return;
        }
        Optional<Instant> finishedAt = Meta.parseTime(job.path("status").path("completionTime"));
        if (finishedAt.isEmpty()) {
            finishedAt = Meta.condition(job, "Failed").or(() -> Meta.condition(job, "Complete"))
                    .flatMap(c -> Meta.parseTime(c.path("lastTransitionTime")));
        }
        if (finishedAt.isEmpty()) {
            return;
        }
        Instant expiry = finishedAt.get().plusSeconds(ttl.asLong());
        Instant now = clock.instant();
        if (now.isBefore(expiry)) {
            queue.addAfter(key, Duration.between(now, expiry));
            return;
        }
        try {
            client.delete(JOBS, Meta.namespace(job), Meta.name(job),
                    DeleteRequest.DEFAULT.withPropagation("Background").withUid(Meta.uid(job)));
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
        }
    }
}
