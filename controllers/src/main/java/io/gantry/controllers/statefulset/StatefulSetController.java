package io.gantry.controllers.statefulset;

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
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerRefManager;
import io.gantry.controllers.ControllerRevisions;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' StatefulSet controller: pods {@code <set>-<ordinal>} with stable hostnames under the governing
 * service and one PVC per volumeClaimTemplate ({@code <template>-<set>-<ordinal>}, created before the pod and
 * never deleted: persistentVolumeClaimRetentionPolicy is treated as Retain/Retain). Ordering and updates are
 * {@link StatefulSetPlan}'s; pods carry the revision name in controller-revision-hash, as in Kubernetes.
 * Matching orphan pods named {@code <set>-<ordinal>} are adopted, and controlled pods whose labels stop matching
 * released (ControllerRefManager).
 */
public final class StatefulSetController extends Controller {
    public static final ResourceType STATEFUL_SETS = SharedInformers.type("apps/v1", "StatefulSet");
    public static final ResourceType PVCS = SharedInformers.type("v1", "PersistentVolumeClaim");
    public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
    public static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
    private static final int WORKERS = 2;

    private final ApiClient client;
    private final EventRecorder events;
    private final Informer sets;
    private final Informer pods;
    private final ControllerRefManager claims;
    private final Informer revisions;

    public StatefulSetController(ControllerManager.Term term) {
        super("statefulset", WORKERS, term.clock());
        this.client = term.client();
        this.events = term.events();
        this.sets = term.informers().informer(STATEFUL_SETS);
        this.pods = term.informers().informer(SharedInformers.PODS);
        this.claims = new ControllerRefManager(client, pods, SharedInformers.PODS, STATEFUL_SETS);
        this.revisions = term.informers().informer(ControllerRevisions.TYPE);
        sets.addHandler(queueingOwnKey(deleted -> { }));
        pods.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode pod) {
                enqueueOwner(pod);
            }

            @Override
            public void onUpdate(ObjectNode oldPod, ObjectNode newPod) {
                enqueueOwner(newPod);
                if (!Meta.controllerRef(newPod).equals(Meta.controllerRef(oldPod))) {
                    enqueueOwner(oldPod);
                }
            }

            @Override
            public void onDelete(ObjectNode pod) {
                enqueueOwner(pod);
            }
        });
    }

    /** Queues the pod's StatefulSet, or for an orphan every StatefulSet that may adopt it. */
    private void enqueueOwner(JsonNode pod) {
        Optional<JsonNode> ref = Meta.controllerRef(pod);
        if (ref.isPresent()) {
            if ("StatefulSet".equals(ref.get().path("kind").asText())) {
                enqueue(Meta.namespace(pod) + "/" + ref.get().path("name").asText());
            }
        } else if (!Meta.deleting(pod)) {
            ControllerRefManager.matchingOwners(sets, pod).forEach(this::enqueue);
        }
    }

    /** The ordinal in a pod name {@code <set>-<n>}, or -1. */
    public static int ordinal(String setName, String podName) {
        String prefix = setName + "-";
        if (!podName.startsWith(prefix)) {
            return -1;
        }
        String rest = podName.substring(prefix.length());
        if (rest.isEmpty() || !rest.chars().allMatch(Character::isDigit) || (rest.length() > 1 && rest.startsWith("0"))) {
            return -1;
        }
        try {
            return Integer.parseInt(rest);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    protected void reconcile(String key) throws Exception {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        ObjectNode cached = sets.get(ns, name).orElse(null);
        if (cached == null) {
            return;
        }
        ObjectNode set = Meta.copy(cached, STATEFUL_SETS);
        List<ObjectNode> history = ControllerRevisions.ownedBy(revisions.list(), set);
        ObjectNode update = Meta.deleting(set) ? null : ControllerRevisions.ensure(client, history, set, STATEFUL_SETS);
        String updateRevision = update == null ? set.path("status").path("updateRevision").asText("")
                : Meta.name(update);
        String recorded = set.path("status").path("currentRevision").asText("");
        boolean known = history.stream().anyMatch(r -> Meta.name(r).equals(recorded));
        String currentRevision = known ? recorded : updateRevision;

        Map<Integer, ObjectNode> owned = new HashMap<>();
        // like Kubernetes, only pods named <set>-<ordinal> are its members, to adopt or keep
        for (ObjectNode pod : claims.claim(set, LabelSelector.fromJson(set.path("spec").path("selector")),
                pod -> ordinal(name, Meta.name(pod)) >= 0)) {
            owned.put(ordinal(name, Meta.name(pod)), pod);
        }
        Map<Integer, StatefulSetPlan.PodState> states = new HashMap<>();
        owned.forEach((ord, pod) -> states.put(ord, state(pod)));
        StatefulSetPlan.Spec spec = spec(set, currentRevision, updateRevision);
        if (!Meta.deleting(set)) {
            for (StatefulSetPlan.Action action : StatefulSetPlan.plan(spec, states)) {
                switch (action) {
                    case StatefulSetPlan.Create c -> create(set, c.ordinal(), c.revision(), history);
                    case StatefulSetPlan.Delete d -> delete(set, owned.values().stream()
                            .filter(p -> Meta.name(p).equals(d.podName())).findFirst().orElseThrow());
                }
            }
        }
        long minReady = set.path("spec").path("minReadySeconds").asLong(0);
        Instant now = clock.instant();
        updateStatus(set, owned.values(), spec, minReady, now);
        Set<String> live = new HashSet<>(List.of(currentRevision, updateRevision));
        owned.values().forEach(p -> live.add(Meta.labels(p).getOrDefault(ControllerRevisions.HASH_LABEL, "")));
        ControllerRevisions.truncate(client, history, r -> live.contains(Meta.name(r)),
                set.path("spec").path("revisionHistoryLimit").asInt(10));
        if (minReady > 0 && owned.values().stream().anyMatch(p -> Pods.ready(p) && !Pods.available(p, minReady, now))) {
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
    }

    static StatefulSetPlan.Spec spec(JsonNode set, String currentRevision, String updateRevision) {
        JsonNode s = set.path("spec");
        boolean onDelete = "OnDelete".equals(s.path("updateStrategy").path("type").asText("RollingUpdate"));
        Integer partition = onDelete ? null
                : s.path("updateStrategy").path("rollingUpdate").path("partition").asInt(0);
        return new StatefulSetPlan.Spec(s.path("replicas").asInt(1),
                !"Parallel".equals(s.path("podManagementPolicy").asText("OrderedReady")), partition,
                currentRevision, updateRevision);
    }

    static StatefulSetPlan.PodState state(JsonNode pod) {
        String phase = Pods.phase(pod);
        return new StatefulSetPlan.PodState(Meta.name(pod),
                Meta.labels(pod).getOrDefault(ControllerRevisions.HASH_LABEL, ""),
                "Running".equals(phase) && Pods.ready(pod), Meta.deleting(pod),
                "Failed".equals(phase) || "Succeeded".equals(phase));
    }

    private void create(ObjectNode set, int ordinal, String revisionName, List<ObjectNode> history) {
        // A pod below the partition is made from the current revision's template, not the set's.
        JsonNode template = set.path("spec").path("template");
        for (ObjectNode r : history) {
            if (Meta.name(r).equals(revisionName)) {
                template = r.path("data").path("spec").path("template");
            }
        }
        for (JsonNode claimTemplate : set.path("spec").path("volumeClaimTemplates")) {
            createClaim(set, claimTemplate, ordinal);
        }
        ObjectNode pod = newPod(set, template, ordinal, revisionName);
        try {
            client.createWithoutResult(SharedInformers.PODS, Meta.namespace(set), pod);
            events.event(set, EventRecorder.NORMAL, "SuccessfulCreate",
                    "create Pod " + Meta.name(pod) + " in StatefulSet " + Meta.name(set) + " successful");
        } catch (ApiException e) {
            if (e.code() == 409) {
                return;
            }
            events.event(set, EventRecorder.WARNING, "FailedCreate", "create Pod " + Meta.name(pod)
                    + " in StatefulSet " + Meta.name(set) + " failed error: " + e.getMessage());
            throw e;
        }
    }

    public static String claimName(JsonNode claimTemplate, String setName, int ordinal) {
        return Meta.name(claimTemplate) + "-" + setName + "-" + ordinal;
    }

    private void createClaim(ObjectNode set, JsonNode claimTemplate, int ordinal) {
        String claim = claimName(claimTemplate, Meta.name(set), ordinal);
        if (client.find(PVCS, Meta.namespace(set), claim).isPresent()) {
            return;
        }
        ObjectNode pvc = Json.object().put("apiVersion", "v1").put("kind", "PersistentVolumeClaim");
        ObjectNode meta = pvc.putObject("metadata").put("name", claim).put("namespace", Meta.namespace(set));
        ObjectNode labels = meta.putObject("labels");
        Meta.labels(claimTemplate).forEach(labels::put);
        Meta.stringMap(set.path("spec").path("selector").path("matchLabels")).forEach(labels::put);
        if (claimTemplate.path("metadata").path("annotations").isObject()) {
            meta.set("annotations", claimTemplate.path("metadata").path("annotations").deepCopy());
        }
        pvc.set("spec", claimTemplate.path("spec").deepCopy());
        try {
            client.create(PVCS, Meta.namespace(set), pvc);
            events.event(set, EventRecorder.NORMAL, "SuccessfulCreate", "create Claim " + claim + " Pod "
                    + Meta.name(set) + "-" + ordinal + " in StatefulSet " + Meta.name(set) + " success");
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
        }
    }

    /** newStatefulSetPod: identity (name, labels, hostname, subdomain) and storage for one ordinal. */
    static ObjectNode newPod(ObjectNode set, JsonNode template, int ordinal, String revisionName) {
        String podName = Meta.name(set) + "-" + ordinal;
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata").put("name", podName).put("namespace", Meta.namespace(set));
        ObjectNode labels = meta.putObject("labels");
        Meta.labels(template).forEach(labels::put);
        labels.put(POD_NAME_LABEL, podName).put(POD_INDEX_LABEL, Integer.toString(ordinal))
                .put(ControllerRevisions.HASH_LABEL, revisionName);
        if (template.path("metadata").path("annotations").isObject()) {
            meta.set("annotations", template.path("metadata").path("annotations").deepCopy());
        }
        meta.putArray("ownerReferences").add(Meta.controllerRefTo(set, STATEFUL_SETS));
        ObjectNode spec = template.path("spec").deepCopy();
        spec.put("hostname", podName);
        String service = set.path("spec").path("serviceName").asText("");
        if (!service.isEmpty()) {
            spec.put("subdomain", service);
        }
        JsonNode claims = set.path("spec").path("volumeClaimTemplates");
        if (!claims.isEmpty()) {
            ArrayNode volumes = spec.withArray("volumes");
            for (JsonNode claim : claims) {
                for (int i = volumes.size() - 1; i >= 0; i--) {
                    if (Meta.name(claim).equals(volumes.get(i).path("name").asText())) {
                        volumes.remove(i);
                    }
                }
                volumes.addObject().put("name", Meta.name(claim)).putObject("persistentVolumeClaim")
                        .put("claimName", claimName(claim, Meta.name(set), ordinal));
            }
        }
        pod.set("spec", spec);
        return pod;
    }

    private void delete(ObjectNode set, JsonNode pod) {
        try {
            client.delete(SharedInformers.PODS, Meta.namespace(pod), Meta.name(pod),
                    DeleteRequest.DEFAULT.withUid(Meta.uid(pod)));
            events.event(set, EventRecorder.NORMAL, "SuccessfulDelete",
                    "delete Pod " + Meta.name(pod) + " in StatefulSet " + Meta.name(set) + " successful");
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
        }
    }

    private void updateStatus(ObjectNode set, Iterable<ObjectNode> owned, StatefulSetPlan.Spec spec, long minReady,
                              Instant now) {
        int replicas = 0;
        int ready = 0;
        int available = 0;
        int current = 0;
        int updated = 0;
        for (ObjectNode pod : owned) {
            replicas++;
            if (Meta.deleting(pod)) {
                continue;
            }
            if ("Running".equals(Pods.phase(pod)) && Pods.ready(pod)) {
                ready++;
                if (Pods.available(pod, minReady, now)) {
                    available++;
                }
            }
            String revision = Meta.labels(pod).getOrDefault(ControllerRevisions.HASH_LABEL, "");
            if (revision.equals(spec.currentRevision())) {
                current++;
            }
            if (revision.equals(spec.updateRevision())) {
                updated++;
            }
        }
        String currentRevision = spec.currentRevision();
        // completeRollingUpdate: once every pod runs the update revision and is ready, it becomes current.
        if (spec.partition() != null && updated == replicas && ready == replicas) {
            currentRevision = spec.updateRevision();
            current = updated;
        }
        long generation = set.path("metadata").path("generation").asLong(0);
        ObjectNode status = set.with("status");
        boolean same = status.has("replicas") && status.path("replicas").asInt() == replicas
                && status.path("readyReplicas").asInt() == ready
                && status.path("availableReplicas").asInt() == available
                && status.path("currentReplicas").asInt() == current
                && status.path("updatedReplicas").asInt() == updated
                && status.path("currentRevision").asText().equals(currentRevision)
                && status.path("updateRevision").asText().equals(spec.updateRevision())
                && status.path("observedGeneration").asLong() == generation;
        if (same) {
            return;
        }
        status.put("observedGeneration", generation).put("replicas", replicas).put("readyReplicas", ready)
                .put("currentReplicas", current).put("updatedReplicas", updated).put("availableReplicas", available)
                .put("currentRevision", currentRevision).put("updateRevision", spec.updateRevision());
        client.updateStatus(STATEFUL_SETS, set);
    }
}
