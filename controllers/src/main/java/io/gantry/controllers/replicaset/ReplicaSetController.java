package io.gantry.controllers.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.selector.LabelSelector;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.EventRecorder;
import io.gantry.client.Informer;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerRefManager;
import io.gantry.controllers.Expectations;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Kubernetes' ReplicaSet controller: keeps spec.replicas active pods that match the selector and are controlled
 * by the ReplicaSet, adopting matching orphans and releasing controlled pods that stopped matching, and writes
 * status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration).
 */
public final class ReplicaSetController extends Controller {
    /** Kubernetes' burstReplicas: at most this many creates or deletes per sync. */
    public static final int BURST_REPLICAS = 500;

    private final ApiClient client;
    private final EventRecorder events;
    private final Informer replicaSets;
    private final Informer pods;
    private final ControllerRefManager claims;
    private final Expectations expectations;

    public ReplicaSetController(ControllerManager.Term term) {
        super("replicaset", term.config().replicaSetWorkers(), term.clock());
        this.client = term.client();
        this.events = term.events();
        this.expectations = new Expectations(term.clock());
        this.replicaSets = term.informers().informer(SharedInformers.REPLICA_SETS);
        this.pods = term.informers().informer(SharedInformers.PODS);
        this.claims = new ControllerRefManager(client, pods, SharedInformers.PODS, SharedInformers.REPLICA_SETS);
        replicaSets.addHandler(queueingOwnKey(deleted -> {
            expectations.delete(Meta.key(deleted));
            enqueue(Meta.key(deleted));
        }));
        pods.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode pod) {
                if (Meta.deleting(pod)) {
                    onDelete(pod);
                    return;
                }
                String owner = ownerKey(pod);
                if (owner != null) {
                    expectations.creationObserved(owner);
                    enqueue(owner);
                } else {
                    enqueueMatching(pod);
                }
            }

            @Override
            public void onUpdate(ObjectNode oldPod, ObjectNode newPod) {
                if (Meta.deleting(newPod) && !Meta.deleting(oldPod)) {
                    String owner = ownerKey(newPod);
                    if (owner != null) {
                        expectations.deletionObserved(owner, Meta.key(newPod));
                    }
                }
                String oldOwner = ownerKey(oldPod);
                String newOwner = ownerKey(newPod);
                if (oldOwner != null && !oldOwner.equals(newOwner)) {
                    enqueue(oldOwner);
                }
                if (newOwner != null) {
                    enqueue(newOwner);
                } else if (!Meta.deleting(newPod)) {
                    enqueueMatching(newPod);
                }
                if (!Meta.labels(oldPod).equals(Meta.labels(newPod))) {
                    enqueueMatching(oldPod);
                }
            }

            @Override
            public void onDelete(ObjectNode pod) {
                String owner = ownerKey(pod);
                if (owner != null) {
                    expectations.deletionObserved(owner, Meta.key(pod));
                    enqueue(owner);
                }
            }
        });
    }

    /** The key of the ReplicaSet controlling the pod, when that ReplicaSet is known. */
    private String ownerKey(JsonNode pod) {
        JsonNode ref = Meta.controllerRef(pod).orElse(null);
        if (ref == null || !"ReplicaSet".equals(ref.path("kind").asText())) {
            return null;
        }
        return replicaSets.get(Meta.namespace(pod), ref.path("name").asText())
                .filter(rs -> Meta.uid(rs).equals(ref.path("uid").asText()))
                .map(Meta::key).orElse(null);
    }

    private void enqueueMatching(JsonNode pod) {
        ControllerRefManager.matchingOwners(replicaSets, pod).forEach(this::enqueue);
    }

    @Override
    protected void reconcile(String key) throws Exception {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        ObjectNode cached = replicaSets.get(ns, name).orElse(null);
        if (cached == null) {
            expectations.delete(key);
            return;
        }
        ObjectNode rs = Meta.copy(cached, SharedInformers.REPLICA_SETS);
        boolean needsSync = expectations.satisfied(key) && !Meta.deleting(rs);
        LabelSelector selector = LabelSelector.fromJson(rs.path("spec").path("selector"));

        List<ObjectNode> owned = claims.claim(rs, selector);
        List<ObjectNode> active = owned.stream().filter(Pods::active).toList();
        if (needsSync) {
            manageReplicas(key, rs, active);
        }
        updateStatus(rs, selector, active);
        long minReady = rs.path("spec").path("minReadySeconds").asLong(0);
        if (minReady > 0) {
            boolean waiting = active.stream().anyMatch(p -> Pods.ready(p)
                    && !Pods.available(p, minReady, clock.instant()));
            if (waiting) {
                queue.addAfter(key, Duration.ofSeconds(minReady));
            }
        }
    }

    private void manageReplicas(String key, ObjectNode rs, List<ObjectNode> active) throws InterruptedException {
        int want = rs.path("spec").path("replicas").asInt(1);
        int diff = active.size() - want;
        if (diff < 0) {
            int count = Math.min(-diff, BURST_REPLICAS);
            expectations.expectCreations(key, count);
            int created = slowStartBatch(count, 1, () -> createPod(rs));
            for (int i = created; i < count; i++) {
                expectations.creationObserved(key);
            }
        } else if (diff > 0) {
            int count = Math.min(diff, BURST_REPLICAS);
            Map<String, Integer> perNode = new HashMap<>();
            for (JsonNode p : active) {
                if (!Pods.nodeName(p).isEmpty()) {
                    perNode.merge(Pods.nodeName(p), 1, Integer::sum);
                }
            }
            List<JsonNode> victims = PodRanking.toDelete(active, count, perNode);
            Set<String> keys = new LinkedHashSet<>();
            victims.forEach(v -> keys.add(Meta.key(v)));
            expectations.expectDeletions(key, keys);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> results = new ArrayList<>();
                for (JsonNode victim : victims) {
                    results.add(pool.submit(() -> deletePod(key, rs, victim)));
                }
                for (Future<?> f : results) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        // Reported by deletePod; the expectation was lowered there.
                    }
                }
            }
        }
    }

    /**
     * Kubernetes' slowStartBatch: runs {@code count} calls in batches of 1, 2, 4, ... so a failing template (quota,
     * admission) costs one failed call instead of hundreds; stops after the first batch with a failure.
     *
     * @return the number of successful calls
     */
    static int slowStartBatch(int count, int initialBatch, Supplier<Boolean> call) throws InterruptedException {
        int remaining = count;
        int successes = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    results.add(pool.submit(call::get));
                }
                boolean failed = false;
                for (Future<Boolean> f : results) {
                    try {
                        if (f.get()) {
                            successes++;
                        } else {
                            failed = true;
                        }
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed = true;
                    }
                }
                if (failed) {
                    return successes;
                }
                remaining -= batch;
            }
        }
        return successes;
    }

    private boolean createPod(ObjectNode rs) {
        JsonNode template = rs.path("spec").path("template");
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", Meta.name(rs) + "-").put("namespace", Meta.namespace(rs));
        if (template.path("metadata").path("labels").isObject()) {
            meta.set("labels", template.path("metadata").path("labels").deepCopy());
        }
        if (template.path("metadata").path("annotations").isObject()) {
            meta.set("annotations", template.path("metadata").path("annotations").deepCopy());
        }
        if (template.path("metadata").path("finalizers").isArray()) {
            meta.set("finalizers", template.path("metadata").path("finalizers").deepCopy());
        }
        meta.putArray("ownerReferences").add(Meta.controllerRefTo(rs, SharedInformers.REPLICA_SETS));
        pod.set("spec", template.path("spec").deepCopy());
        try {
            String created = client.createReturningName(SharedInformers.PODS, Meta.namespace(rs), pod);
            events.event(rs, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created);
            return true;
        } catch (ApiException e) {
            events.event(rs, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
            return false;
        }
    }

    private void deletePod(String key, ObjectNode rs, JsonNode pod) {
        try {
            client.delete(SharedInformers.PODS, Meta.namespace(pod), Meta.name(pod),
                    DeleteRequest.DEFAULT.withUid(Meta.uid(pod)));
            events.event(rs, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + Meta.name(pod));
        } catch (ApiException e) {
            // No delete event will come for a pod that was not deleted (or is already gone).
            expectations.deletionObserved(key, Meta.key(pod));
            if (e.code() != 404) {
                events.event(rs, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + e.getMessage());
            }
        }
    }

    private void updateStatus(ObjectNode rs, LabelSelector selector, List<ObjectNode> active) {
        Map<String, String> templateLabels = Meta.stringMap(rs.path("spec").path("template").path("metadata")
                .path("labels"));
        long minReady = rs.path("spec").path("minReadySeconds").asLong(0);
        Instant now = clock.instant();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (ObjectNode p : active) {
            Map<String, String> labels = Meta.labels(p);
            if (templateLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                fullyLabeled++;
            }
            if (Pods.ready(p)) {
                ready++;
                if (Pods.available(p, minReady, now)) {
                    available++;
                }
            }
        }
        JsonNode status = rs.path("status");
        long generation = rs.path("metadata").path("generation").asLong(0);
        if (status.path("replicas").asInt(0) == active.size()
                && status.path("fullyLabeledReplicas").asInt(0) == fullyLabeled
                && status.path("readyReplicas").asInt(0) == ready
                && status.path("availableReplicas").asInt(0) == available
                && status.path("observedGeneration").asLong(0) == generation
                && status.has("replicas")) {
            return;
        }
        ObjectNode next = rs.with("status");
        next.put("replicas", active.size()).put("fullyLabeledReplicas", fullyLabeled).put("readyReplicas", ready)
                .put("availableReplicas", available).put("observedGeneration", generation);
        Objects.requireNonNull(selector);
        client.updateStatus(SharedInformers.REPLICA_SETS, rs);
    }
}
