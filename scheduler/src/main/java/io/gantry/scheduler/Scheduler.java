package io.gantry.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.Informer;
import io.gantry.client.ListQuery;
import io.gantry.client.PatchKind;
import io.gantry.scheduler.framework.PodInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Gantry's scheduler: watches nodes and pods, picks a node for every pending pod addressed to it
 * ({@code spec.schedulerName} "default-scheduler" or empty) and binds it through {@code pods/binding}. Decisions
 * are made one at a time on one thread against the cache; bindings and status writes run on virtual threads so
 * the next decision does not wait for the API server.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private static final String NAMESPACE_INDEX = "namespace";

    private final ApiClient client;
    private final SchedulerConfig config;
    private final Clock clock;
    private final ResourceType pods;
    private final Informer nodeInformer;
    private final Informer podInformer;
    private final Informer priorityClassInformer;
    private final Informer namespaceInformer;
    /** What system-default topology spreading needs: the Services and controllers that select pods. */
    private final Informer serviceInformer;
    private final Informer replicaSetInformer;
    private final Informer statefulSetInformer;
    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final SchedulingAlgorithm algorithm;
    private final EventRecorder events;
    private final BoundedCalls io;
    private final BoundedCalls eventCalls = new BoundedCalls(8, 1000);
    /** The last unschedulable message written per pod, so repeats do not rewrite the condition. */
    private final Map<String, String> reported = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread loop;
    private Thread flusher;

    public Scheduler(ApiClient client, SchedulerConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.io = new BoundedCalls(config.maxConcurrentApiCalls());
        this.clock = clock;
        ResourceRegistry registry = ResourceRegistry.builtIn();
        this.pods = registry.byKind("v1", "Pod").orElseThrow();
        this.nodeInformer = new Informer(client, registry.byKind("v1", "Node").orElseThrow(), "", ListQuery.ALL);
        this.podInformer = new Informer(client, pods, "", ListQuery.ALL);
        this.priorityClassInformer = new Informer(client,
                registry.byKind("scheduling.k8s.io/v1", "PriorityClass").orElseThrow(), "", ListQuery.ALL);
        this.namespaceInformer = new Informer(client, registry.byKind("v1", "Namespace").orElseThrow(), "",
                ListQuery.ALL);
        // by namespace: every pod the scheduler places looks up the Services of its namespace
        this.serviceInformer = new Informer(client, registry.byKind("v1", "Service").orElseThrow(), "", ListQuery.ALL)
                .addIndex(NAMESPACE_INDEX, s -> List.of(s.path("metadata").path("namespace").asText()));
        this.replicaSetInformer = new Informer(client, registry.byKind("apps/v1", "ReplicaSet").orElseThrow(), "",
                ListQuery.ALL);
        this.statefulSetInformer = new Informer(client, registry.byKind("apps/v1", "StatefulSet").orElseThrow(), "",
                ListQuery.ALL);
        OwnerSelectors owners = new OwnerSelectors(
                ns -> serviceInformer.byIndex(NAMESPACE_INDEX, ns),
                replicaSetInformer::get, statefulSetInformer::get);
        this.cache = new SchedulerCache(ns -> namespaceInformer.get("", ns)
                .map(n -> PodInfo.labelsOf(n.path("metadata"))).orElse(Map.of()), owners::of);
        this.queue = new SchedulingQueue(clock, config.retryInterval());
        this.algorithm = new SchedulingAlgorithm(config);
        this.events = new EventRecorder(client, registry.byKind("v1", "Event").orElseThrow(), clock,
                SchedulerConfig.DEFAULT_SCHEDULER_NAME);
    }

    public Scheduler start() {
        running = true;
        nodeInformer.addHandler(new NodeHandler());
        podInformer.addHandler(new PodHandler());
        priorityClassInformer.start();
        namespaceInformer.start();
        serviceInformer.start();
        replicaSetInformer.start();
        statefulSetInformer.start();
        nodeInformer.start();
        podInformer.start();
        loop = Thread.ofPlatform().name("scheduler").daemon().start(this::run);
        flusher = Thread.ofVirtual().name("scheduler unschedulable flush").start(this::flushPeriodically);
        return this;
    }

    @Override
    public void close() {
        running = false;
        queue.close();
        if (loop != null) {
            loop.interrupt();
        }
        if (flusher != null) {
            flusher.interrupt();
        }
        nodeInformer.close();
        podInformer.close();
        priorityClassInformer.close();
        namespaceInformer.close();
        serviceInformer.close();
        replicaSetInformer.close();
        statefulSetInformer.close();
        io.close();
        eventCalls.close();
    }

    // ---- informer handlers ----

    private boolean responsibleFor(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        String scheduler = spec.path("schedulerName").asText("");
        String phase = pod.path("status").path("phase").asText("");
        return spec.path("nodeName").asText("").isEmpty()
                && !pod.path("metadata").hasNonNull("deletionTimestamp")
                && (scheduler.isEmpty() || scheduler.equals(config.schedulerName()))
                && !phase.equals("Succeeded") && !phase.equals("Failed");
    }

    private static boolean assigned(JsonNode pod) {
        return !pod.path("spec").path("nodeName").asText("").isEmpty();
    }

    private static boolean terminal(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    /** spec.priority, or the value of its PriorityClass (the API server does not resolve it yet), or 0. */
    int priorityOf(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        if (spec.hasNonNull("priority")) {
            return spec.path("priority").asInt();
        }
        String className = spec.path("priorityClassName").asText("");
        if (!className.isEmpty()) {
            return priorityClassInformer.get("", className).map(pc -> pc.path("value").asInt(0)).orElse(0);
        }
        for (ObjectNode pc : priorityClassInformer.list()) {
            if (pc.path("globalDefault").asBoolean(false)) {
                return pc.path("value").asInt(0);
            }
        }
        return 0;
    }

    private final class PodHandler implements Informer.Handler {
        @Override
        public void onAdd(ObjectNode pod) {
            if (assigned(pod)) {
                if (!terminal(pod)) {
                    cache.addOrUpdatePod(new PodInfo(pod, priorityOf(pod)));
                }
            } else if (responsibleFor(pod)) {
                queue.add(new PodInfo(pod, priorityOf(pod)));
            }
        }

        @Override
        public void onUpdate(ObjectNode oldPod, ObjectNode pod) {
            String key = Informer.key(pod);
            if (assigned(pod)) {
                queue.delete(key);
                reported.remove(key);
                if (terminal(pod)) {
                    cache.removePod(key);
                    if (!terminal(oldPod)) {
                        queue.moveAllToActive();
                    }
                } else if (cachedPodChanged(oldPod, pod)) {
                    cache.addOrUpdatePod(new PodInfo(pod, priorityOf(pod)));
                } else {
                    int priority = priorityOf(pod);
                    cache.keepPod(key, priority, () -> new PodInfo(pod, priority));
                }
            } else if (responsibleFor(pod)) {
                PodInfo info = new PodInfo(pod, priorityOf(pod));
                // Only a change of what the pod asks for can change where it fits; our own status writes cannot.
                if (Objects.equals(oldPod.path("spec"), pod.path("spec"))
                        && Objects.equals(oldPod.path("metadata").path("labels"), pod.path("metadata").path("labels"))) {
                    queue.refresh(info);
                } else {
                    queue.add(info);
                }
            } else {
                queue.delete(key);
            }
        }

        @Override
        public void onDelete(ObjectNode pod) {
            String key = Informer.key(pod);
            queue.delete(key);
            reported.remove(key);
            events.forget(key);
            if (assigned(pod)) {
                cache.removePod(key);
                queue.moveAllToActive();
            }
        }
    }

    /**
     * Whether an update of an assigned, running pod changes what the cache keeps of it: its node and what it asks
     * for and tolerates (the spec), its labels, its deletion, or the pod itself (a new uid). A status report, most
     * updates of a bound pod, changes none of it; rebuilding the pod's entry for each one cost its requests parsed
     * again and its label index and node sums undone and redone, partly on the scheduling thread. Such an update
     * only checks that the entry is there with the priority the pod has now ({@link SchedulerCache#keepPod}).
     */
    static boolean cachedPodChanged(JsonNode oldPod, JsonNode pod) {
        JsonNode oldMeta = oldPod.path("metadata");
        JsonNode meta = pod.path("metadata");
        return !assigned(oldPod) || terminal(oldPod)
                || !oldMeta.path("uid").equals(meta.path("uid"))
                || oldMeta.hasNonNull("deletionTimestamp") != meta.hasNonNull("deletionTimestamp")
                || !oldMeta.path("labels").equals(meta.path("labels"))
                || !oldPod.path("spec").equals(pod.path("spec"));
    }

    private final class NodeHandler implements Informer.Handler {
        @Override
        public void onAdd(ObjectNode node) {
            cache.upsertNode(node);
            queue.moveAllToActive();
        }

        @Override
        public void onUpdate(ObjectNode oldNode, ObjectNode node) {
            cache.upsertNode(node);
            if (schedulingRelevantChange(oldNode, node)) {
                queue.moveAllToActive();
            }
        }

        @Override
        public void onDelete(ObjectNode node) {
            cache.removeNode(node.path("metadata").path("name").asText());
        }
    }

    /** Heartbeats change a node's status constantly; only these fields can make a pod fit. */
    static boolean schedulingRelevantChange(JsonNode a, JsonNode b) {
        return !Objects.equals(a.path("metadata").path("labels"), b.path("metadata").path("labels"))
                || !Objects.equals(a.path("spec"), b.path("spec"))
                || !Objects.equals(a.path("status").path("allocatable"), b.path("status").path("allocatable"))
                || !Objects.equals(ready(a), ready(b));
    }

    private static String ready(JsonNode node) {
        for (JsonNode c : node.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText();
            }
        }
        return "";
    }

    // ---- scheduling ----

    private void flushPeriodically() {
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            queue.flushUnschedulable();
        }
    }

    private void run() {
        try {
            // wait for the caches; pods are queued meanwhile
            for (Informer informer : List.of(nodeInformer, podInformer, serviceInformer, replicaSetInformer,
                    statefulSetInformer)) {
                while (running && !informer.awaitSynced(Duration.ofSeconds(1))) {
                    LOG.debug("waiting for the scheduler's caches");
                }
            }
            while (running) {
                SchedulingQueue.QueuedPod next = queue.pop();
                if (next == null) {
                    return;
                }
                try {
                    scheduleOne(next);
                } catch (RuntimeException e) {
                    LOG.warn("scheduling {} failed: {}", next.pod().key(), e.toString());
                    queue.addUnschedulable(next.pod(), next.cycle());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void scheduleOne(SchedulingQueue.QueuedPod next) {
        PodInfo queued = next.pod();
        ObjectNode latest = podInformer.get(queued.namespace(), queued.name()).orElse(null);
        if (latest == null || !responsibleFor(latest) || cache.isAssumed(queued.key())) {
            return;
        }
        // The informer's copy carries our latest status writes (nominatedNodeName) too.
        PodInfo pod = latest == queued.pod() ? queued : new PodInfo(latest, priorityOf(latest));
        SchedulingAlgorithm.Result result = cache.locked(() -> algorithm.schedule(pod, cache.view));
        switch (result) {
            case SchedulingAlgorithm.Placed placed -> {
                PodInfo assumed = pod.assignedTo(placed.nodeName());
                cache.assume(assumed);
                io.execute(() -> bind(assumed, next.cycle()));
            }
            case SchedulingAlgorithm.Unschedulable u -> {
                queue.addUnschedulable(pod, next.cycle());
                String message = u.error().message();
                if (!message.equals(reported.put(pod.key(), message))) {
                    io.execute(() -> reportUnschedulable(pod, message));
                }
                if (u.preemption().found()) {
                    io.execute(() -> preempt(pod, u.preemption()));
                }
            }
        }
    }

    private void bind(PodInfo pod, long cycle) {
        ObjectNode binding = Json.object().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", pod.name()).put("namespace", pod.namespace())
                .put("uid", pod.uid());
        binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", pod.nodeName());
        try {
            client.post(pods, pod.namespace(), pod.name(), "binding", binding);
        } catch (RuntimeException e) {
            cache.forget(pod.key());
            if (e instanceof ApiException api && (api.code() == 404 || api.code() == 409)) {
                // deleted, or assigned by someone else: the informer will tell the cache
                LOG.debug("binding {} to {}: {}", pod.key(), pod.nodeName(), e.getMessage());
                return;
            }
            LOG.warn("binding {} to {} failed: {}", pod.key(), pod.nodeName(), e.toString());
            queue.addUnschedulable(pod, cycle);
            return;
        }
        reported.remove(pod.key());
        recordEvent(pod, "Normal", "Scheduled",
                "Successfully assigned " + pod.namespace() + "/" + pod.name() + " to " + pod.nodeName());
    }

    /**
     * Events go out in a lane of their own so that they never hold up bindings; like client-go's event
     * broadcaster, it drops events when too many are waiting rather than falling ever further behind.
     */
    private void recordEvent(PodInfo pod, String type, String reason, String message) {
        boolean queued = eventCalls.execute(() -> {
            try {
                events.record(pod, type, reason, message);
            } catch (RuntimeException e) {
                LOG.debug("event for {}: {}", pod.key(), e.toString());
            }
        });
        if (!queued) {
            LOG.debug("event {} for {} dropped: too many events waiting", reason, pod.key());
        }
    }

    /**
     * Nominates the node and deletes the victims gracefully (their deletion wakes the pod up again), as Kubernetes'
     * scheduler does: each first gets the condition DisruptionTarget, then is deleted directly, not through the
     * eviction API. PodDisruptionBudgets only make a victim less preferred; they never stop a preemption.
     */
    private void preempt(PodInfo pod, Preemption.Outcome outcome) {
        try {
            ObjectNode patch = Json.object();
            patch.putObject("status").put("nominatedNodeName", outcome.nodeName());
            client.patch(pods, pod.namespace(), pod.name(), "status", PatchKind.STRATEGIC, patch);
        } catch (RuntimeException e) {
            LOG.debug("nominating {} for {}: {}", outcome.nodeName(), pod.key(), e.toString());
        }
        for (PodInfo victim : outcome.victims()) {
            try {
                ObjectNode target = Json.object();
                target.putObject("status").putArray("conditions").addObject().put("type", "DisruptionTarget")
                        .put("status", "True").put("reason", "PreemptionByScheduler")
                        .put("message", config.schedulerName() + ": preempting to accommodate a higher priority pod")
                        .put("lastTransitionTime", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
                client.patch(pods, victim.namespace(), victim.name(), "status", PatchKind.STRATEGIC, target);
                client.delete(pods, victim.namespace(), victim.name(), DeleteRequest.DEFAULT.withUid(victim.uid()));
                events.record(victim, "Normal", "Preempted",
                        "Preempted by pod " + pod.uid() + " on node " + outcome.nodeName());
            } catch (RuntimeException e) {
                LOG.info("evicting {} to make room for {}: {}", victim.key(), pod.key(), e.toString());
            }
        }
    }

    private void reportUnschedulable(PodInfo pod, String message) {
        try {
            ObjectNode condition = Json.object().put("type", "PodScheduled").put("status", "False")
                    .put("reason", "Unschedulable").put("message", message)
                    .put("lastTransitionTime", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            condition.putNull("lastProbeTime");
            ObjectNode patch = Json.object();
            patch.putObject("status").putArray("conditions").add(condition);
            client.patch(pods, pod.namespace(), pod.name(), "status", PatchKind.STRATEGIC, patch);
            events.record(pod, "Warning", "FailedScheduling", message);
        } catch (RuntimeException e) {
            LOG.debug("reporting {} unschedulable: {}", pod.key(), e.toString());
        }
    }

    // ---- for tests ----

    int podsCountedOn(String nodeName) {
        return cache.podCount(nodeName);
    }

    List<String> unschedulableSnapshot(List<String> keys) {
        return keys.stream().filter(queue::isUnschedulable).toList();
    }
}
