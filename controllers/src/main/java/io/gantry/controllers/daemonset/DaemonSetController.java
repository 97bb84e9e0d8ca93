package io.gantry.controllers.daemonset;

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
import io.gantry.controllers.Expectations;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;
import io.gantry.controllers.deployment.DeploymentMath;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kubernetes' DaemonSet controller: one pod per eligible node, pinned there by a required node affinity on
 * metadata.name (the scheduler binds it), labelled with the template's controller-revision-hash; RollingUpdate
 * replaces old pods node by node within maxUnavailable/maxSurge, OnDelete only replaces pods that were deleted.
 * A sync either deletes or creates, never both, so one expectation entry covers what it waits for.
 * Matching orphan pods are adopted and controlled pods whose labels stop matching released (ControllerRefManager).
 */
public final class DaemonSetController extends Controller {
    public static final ResourceType DAEMON_SETS = SharedInformers.type("apps/v1", "DaemonSet");
    private static final int WORKERS = 2;

    private final ApiClient client;
    private final EventRecorder events;
    private final Informer daemonSets;
    private final Informer pods;
    private final ControllerRefManager claims;
    private final Informer nodes;
    private final Informer revisions;
    private final Expectations expectations;

    public DaemonSetController(ControllerManager.Term term) {
        super("daemonset", WORKERS, term.clock());
        this.client = term.client();
        this.events = term.events();
        this.expectations = new Expectations(term.clock());
        this.daemonSets = term.informers().informer(DAEMON_SETS);
        this.pods = term.informers().informer(SharedInformers.PODS);
        this.claims = new ControllerRefManager(term.client(), pods, SharedInformers.PODS, DAEMON_SETS);
        this.nodes = term.informers().informer(SharedInformers.NODES);
        this.revisions = term.informers().informer(ControllerRevisions.TYPE);
        daemonSets.addHandler(queueingOwnKey(deleted -> {
            expectations.delete(Meta.key(deleted));
        }));
        pods.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode pod) {
                String owner = ownerKey(pod);
                if (owner != null) {
                    expectations.creationObserved(owner);
                    enqueue(owner);
                } else if (!Meta.deleting(pod)) {
                    ControllerRefManager.matchingOwners(daemonSets, pod).forEach(DaemonSetController.this::enqueue);
                }
            }

            @Override
            public void onUpdate(ObjectNode oldPod, ObjectNode newPod) {
                String owner = ownerKey(newPod);
                if (owner != null) {
                    if (Meta.deleting(newPod) && !Meta.deleting(oldPod)) {
                        expectations.deletionObserved(owner, Meta.key(newPod));
                    }
                    enqueue(owner);
                } else if (!Meta.deleting(newPod)) {
                    ControllerRefManager.matchingOwners(daemonSets, newPod).forEach(DaemonSetController.this::enqueue);
                }
                String oldOwner = ownerKey(oldPod);
                if (oldOwner != null && !oldOwner.equals(owner)) {
                    enqueue(oldOwner);
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
        // Any node change may change where DaemonSet pods belong.
        nodes.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode node) {
                enqueueAll();
            }

            @Override
            public void onUpdate(ObjectNode oldNode, ObjectNode newNode) {
                if (!oldNode.path("metadata").path("labels").equals(newNode.path("metadata").path("labels"))
                        || !oldNode.path("spec").equals(newNode.path("spec"))) {
                    enqueueAll();
                }
            }

            @Override
            public void onDelete(ObjectNode node) {
                enqueueAll();
            }
        });
    }

    private void enqueueAll() {
        daemonSets.list().forEach(ds -> enqueue(Meta.key(ds)));
    }

    private String ownerKey(JsonNode pod) {
        JsonNode ref = Meta.controllerRef(pod).orElse(null);
        if (ref == null || !"DaemonSet".equals(ref.path("kind").asText())) {
            return null;
        }
        return Meta.namespace(pod) + "/" + ref.path("name").asText();
    }

    /** The node a DaemonSet pod is meant for: its metadata.name affinity, or where it is bound. */
    public static String targetNode(JsonNode pod) {
        JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
        for (JsonNode term : terms) {
            for (JsonNode f : term.path("matchFields")) {
                if ("metadata.name".equals(f.path("key").asText()) && "In".equals(f.path("operator").asText())
                        && f.path("values").size() == 1) {
                    return f.path("values").get(0).asText();
                }
            }
        }
        return Pods.nodeName(pod);
    }

    @Override
    protected void reconcile(String key) throws Exception {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        ObjectNode cached = daemonSets.get(ns, name).orElse(null);
        if (cached == null) {
            expectations.delete(key);
            return;
        }
        ObjectNode ds = Meta.copy(cached, DAEMON_SETS);
        if (Meta.deleting(ds)) {
            return;
        }
        List<ObjectNode> history = ControllerRevisions.ownedBy(revisions.list(), ds);
        ObjectNode current = ControllerRevisions.ensure(client, history, ds, DAEMON_SETS);
        String hash = ControllerRevisions.hashOf(current);

        JsonNode podSpec = ds.path("spec").path("template").path("spec");
        Map<String, NodeEligibility.Verdict> verdicts = new TreeMap<>();
        for (ObjectNode node : nodes.list()) {
            verdicts.put(Meta.name(node), NodeEligibility.judge(node, podSpec));
        }
        Map<String, List<JsonNode>> nodeToPods = new TreeMap<>();
        Set<String> liveHashes = new HashSet<>();
        liveHashes.add(hash);
        for (ObjectNode pod : claims.claim(ds, LabelSelector.fromJson(ds.path("spec").path("selector")))) {
            String node = targetNode(pod);
            if (node.isEmpty()) {
                continue; // an adopted pod meant for no node in particular: Kubernetes leaves it alone too
            }
            nodeToPods.computeIfAbsent(node, n -> new ArrayList<>()).add(pod);
            liveHashes.add(Meta.labels(pod).getOrDefault(ControllerRevisions.HASH_LABEL, ""));
        }
        long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
        Instant now = clock.instant();
        int desired = (int) verdicts.values().stream().filter(NodeEligibility.Verdict::shouldRun).count();
        Budget budget = budget(ds, desired);

        if (expectations.satisfied(key)) {
            Changes changes = manage(verdicts, nodeToPods, hash, budget.maxSurge() > 0);
            if (changes.isEmpty() && isRollingUpdate(ds)) {
                Map<String, List<JsonNode>> eligible = new LinkedHashMap<>();
                nodeToPods.forEach((node, list) -> {
                    NodeEligibility.Verdict v = verdicts.get(node);
                    if (v != null && v.shouldRun()) {
                        eligible.put(node, list);
                    }
                });
                RollingUpdatePlan.Plan plan = RollingUpdatePlan.plan(eligible, hash, budget.maxSurge(),
                        budget.maxUnavailable(), p -> Pods.available(p, minReady, now));
                changes = new Changes(plan.nodesToCreate(), byName(nodeToPods, plan.podsToDelete()));
            }
            apply(key, ds, hash, changes);
        }
        updateStatus(ds, verdicts, nodeToPods, hash, minReady, now);
        ControllerRevisions.truncate(client, history, r -> liveHashes.contains(ControllerRevisions.hashOf(r)),
                ds.path("spec").path("revisionHistoryLimit").asInt(10));
        if (minReady > 0 && nodeToPods.values().stream().flatMap(List::stream)
                .anyMatch(p -> Pods.ready(p) && !Pods.available(p, minReady, now))) {
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
    }

    private record Budget(int maxSurge, int maxUnavailable) {
    }

    /** Surge and unavailability as pod counts over the desired number, both rounded up as Kubernetes does. */
    static Budget budget(JsonNode ds, int desired) {
        JsonNode ru = ds.path("spec").path("updateStrategy").path("rollingUpdate");
        int surge = DeploymentMath.scaled(ru.path("maxSurge"), desired, true);
        JsonNode mu = ru.path("maxUnavailable");
        int unavailable = mu.isMissingNode() || mu.isNull() ? 1 : DeploymentMath.scaled(mu, desired, true);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new Budget(surge, unavailable);
    }

    private static boolean isRollingUpdate(JsonNode ds) {
        return !"OnDelete".equals(ds.path("spec").path("updateStrategy").path("type").asText("RollingUpdate"));
    }

    private record Changes(List<String> nodesToCreate, List<JsonNode> podsToDelete) {
        boolean isEmpty() {
            return nodesToCreate.isEmpty() && podsToDelete.isEmpty();
        }
    }

    private static List<JsonNode> byName(Map<String, List<JsonNode>> nodeToPods, List<String> names) {
        Set<String> wanted = new HashSet<>(names);
        return nodeToPods.values().stream().flatMap(List::stream).filter(p -> wanted.contains(Meta.name(p)))
                .toList();
    }

    /** podsShouldBeOnNode over all nodes: missing pods, failed pods, duplicates and pods on nodes they left. */
    static Changes manage(Map<String, NodeEligibility.Verdict> verdicts, Map<String, List<JsonNode>> nodeToPods,
                          String hash, boolean surge) {
        List<String> create = new ArrayList<>();
        List<JsonNode> delete = new ArrayList<>();
        for (Map.Entry<String, NodeEligibility.Verdict> e : verdicts.entrySet()) {
            List<JsonNode> running = new ArrayList<>();
            for (JsonNode p : nodeToPods.getOrDefault(e.getKey(), List.of())) {
                if (Meta.deleting(p)) {
                    continue;
                }
                if ("Failed".equals(Pods.phase(p))) {
                    delete.add(p);
                } else {
                    running.add(p);
                }
            }
            NodeEligibility.Verdict v = e.getValue();
            if (v.shouldRun() && running.isEmpty()) {
                create.add(e.getKey());
            } else if (v.shouldContinueRunning() && running.size() > 1) {
                running.sort(Comparator.comparing(Meta::creation));
                boolean oldAndNew = running.size() == 2 && running.stream()
                        .filter(p -> hash.equals(Meta.labels(p).get(ControllerRevisions.HASH_LABEL))).count() == 1;
                if (!(surge && oldAndNew)) {
                    delete.addAll(running.subList(1, running.size()));
                }
            } else if (!v.shouldContinueRunning()) {
                delete.addAll(running);
            }
        }
        // Pods meant for nodes that no longer exist.
        nodeToPods.forEach((node, list) -> {
            if (!verdicts.containsKey(node)) {
                list.stream().filter(p -> !Meta.deleting(p)).forEach(delete::add);
            }
        });
        return new Changes(create, delete);
    }

    private void apply(String key, ObjectNode ds, String hash, Changes changes) {
        if (!changes.podsToDelete().isEmpty()) {
            Set<String> keys = new LinkedHashSet<>();
            changes.podsToDelete().forEach(p -> keys.add(Meta.key(p)));
            expectations.expectDeletions(key, keys);
            for (JsonNode pod : changes.podsToDelete()) {
                try {
                    client.delete(SharedInformers.PODS, Meta.namespace(pod), Meta.name(pod),
                            DeleteRequest.DEFAULT.withUid(Meta.uid(pod)));
                    events.event(ds, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + Meta.name(pod));
                } catch (ApiException e) {
                    expectations.deletionObserved(key, Meta.key(pod));
                    if (e.code() != 404 && e.code() != 409) {
                        events.event(ds, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + e.getMessage());
                    }
                }
            }
            return;
        }
        if (changes.nodesToCreate().isEmpty()) {
            return;
        }
        expectations.expectCreations(key, changes.nodesToCreate().size());
        for (String node : changes.nodesToCreate()) {
            try {
                String created = client.createReturningName(SharedInformers.PODS, Meta.namespace(ds),
                        newPod(ds, hash, node));
                events.event(ds, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created);
            } catch (ApiException e) {
                expectations.creationObserved(key);
                events.event(ds, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
            }
        }
    }

    /** The pod for a node: template, daemon tolerations, node-name affinity, revision label and owner. */
    static ObjectNode newPod(ObjectNode ds, String hash, String node) {
        JsonNode template = ds.path("spec").path("template");
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", Meta.name(ds) + "-").put("namespace", Meta.namespace(ds));
        ObjectNode labels = meta.putObject("labels");
        Meta.labels(template).forEach(labels::put);
        labels.put(ControllerRevisions.HASH_LABEL, hash);
        labels.put("pod-template-generation", Long.toString(ds.path("metadata").path("generation").asLong(1)));
        if (template.path("metadata").path("annotations").isObject()) {
            meta.set("annotations", template.path("metadata").path("annotations").deepCopy());
        }
        meta.putArray("ownerReferences").add(Meta.controllerRefTo(ds, DAEMON_SETS));
        ObjectNode spec = NodeEligibility.withDaemonTolerations(template.path("spec"));
        // ReplaceDaemonSetPodNodeNameNodeAffinity: the controller already checked the other terms.
        ObjectNode required = spec.with("affinity").with("nodeAffinity")
                .putObject("requiredDuringSchedulingIgnoredDuringExecution");
        ArrayNode terms = required.putArray("nodeSelectorTerms");
        terms.addObject().putArray("matchFields").addObject().put("key", "metadata.name").put("operator", "In")
                .putArray("values").add(node);
        pod.set("spec", spec);
        return pod;
    }

    private void updateStatus(ObjectNode ds, Map<String, NodeEligibility.Verdict> verdicts,
                              Map<String, List<JsonNode>> nodeToPods, String hash, long minReady, Instant now) {
        int desired = 0;
        int scheduled = 0;
        int misscheduled = 0;
        int ready = 0;
        int available = 0;
        int updated = 0;
        for (Map.Entry<String, List<JsonNode>> e : nodeToPods.entrySet()) {
            NodeEligibility.Verdict v = verdicts.get(e.getKey());
            boolean shouldRun = v != null && v.shouldRun();
            List<JsonNode> alive = e.getValue().stream().filter(p -> !Meta.deleting(p))
                    .sorted(Comparator.comparing(Meta::creation)).toList();
            if (alive.isEmpty()) {
                continue;
            }
            if (!shouldRun) {
                misscheduled++;
                continue;
            }
            scheduled++;
            // With a surge pod beside the old one, the newest speaks for the node.
            JsonNode pod = alive.stream().filter(p -> hash.equals(Meta.labels(p).get(ControllerRevisions.HASH_LABEL)))
                    .findFirst().orElse(alive.get(0));
            if (Pods.ready(pod)) {
                ready++;
                if (Pods.available(pod, minReady, now)) {
                    available++;
                }
            }
            if (hash.equals(Meta.labels(pod).get(ControllerRevisions.HASH_LABEL))) {
                updated++;
            }
        }
        for (NodeEligibility.Verdict v : verdicts.values()) {
            if (v.shouldRun()) {
                desired++;
            }
        }
        long generation = ds.path("metadata").path("generation").asLong(0);
        ObjectNode next = Json.object().put("currentNumberScheduled", scheduled)
                .put("numberMisscheduled", misscheduled).put("desiredNumberScheduled", desired)
                .put("numberReady", ready).put("observedGeneration", generation)
                .put("updatedNumberScheduled", updated).put("numberAvailable", available)
                .put("numberUnavailable", Math.max(0, desired - available));
        ObjectNode status = ds.with("status");
        boolean same = true;
        for (var f : next.properties()) {
            // Compared as numbers: the server may send back an int where we wrote a long.
            if (!status.has(f.getKey()) || status.path(f.getKey()).asLong() != f.getValue().asLong()) {
                same = false;
            }
        }
        if (same) {
            return;
        }
        status.setAll(next);
        client.updateStatus(DAEMON_SETS, ds);
    }
}
