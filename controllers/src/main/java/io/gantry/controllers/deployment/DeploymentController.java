package io.gantry.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.selector.LabelSelector;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.EventRecorder;
import io.gantry.client.Informer;
import io.gantry.client.PatchKind;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerRefManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' Deployment controller: one ReplicaSet per pod template (named {@code <deployment>-<pod-template-hash>}),
 * rolled over by RollingUpdate (maxSurge/maxUnavailable) or Recreate, with revisions, proportional scaling,
 * history cleanup, pause, and the status and conditions {@code kubectl rollout status} reads.
 */
public final class DeploymentController extends Controller {
    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
    private static final Set<String> NOT_COPIED = Set.of("kubectl.kubernetes.io/last-applied-configuration",
            REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to");
    /** Kubernetes' "no deadline" value of progressDeadlineSeconds. */
    private static final long NO_DEADLINE = Integer.MAX_VALUE;

    private final ApiClient client;
    private final EventRecorder events;
    private final Informer deployments;
    private final Informer replicaSets;
    private final ControllerRefManager claims;
    private final Informer pods;

    public DeploymentController(ControllerManager.Term term) {
        super("deployment", term.config().deploymentWorkers(), term.clock());
        this.client = term.client();
        this.events = term.events();
        this.deployments = term.informers().informer(SharedInformers.DEPLOYMENTS);
        this.replicaSets = term.informers().informer(SharedInformers.REPLICA_SETS);
        this.claims = new ControllerRefManager(term.client(), replicaSets, SharedInformers.REPLICA_SETS,
                SharedInformers.DEPLOYMENTS);
        this.pods = term.informers().informer(SharedInformers.PODS);
        deployments.addHandler(queueingOwnKey(deleted -> {
            enqueue(Meta.key(deleted));
        }));
        replicaSets.addHandler(Informer.Handler.eachVersion(this::enqueueFor));
        pods.addHandler(new Informer.Handler() {
            @Override
            public void onDelete(ObjectNode pod) {
                // Recreate waits for the old pods to be gone.
                Meta.controllerRef(pod).filter(r -> "ReplicaSet".equals(r.path("kind").asText()))
                        .flatMap(r -> replicaSets.get(Meta.namespace(pod), r.path("name").asText()))
                        .ifPresent(rs -> enqueueFor(rs));
            }
        });
    }

    private void enqueueFor(ObjectNode rs) {
        JsonNode ref = Meta.controllerRef(rs).orElse(null);
        if (ref != null) {
            if ("Deployment".equals(ref.path("kind").asText())) {
                enqueue(Meta.namespace(rs) + "/" + ref.path("name").asText());
            }
            return;
        }
        for (ObjectNode d : deployments.list()) {
            if (Meta.namespace(d).equals(Meta.namespace(rs))
                    && LabelSelector.fromJson(d.path("spec").path("selector")).matches(Meta.labels(rs))) {
                enqueue(Meta.key(d));
            }
        }
    }

    @Override
    protected void reconcile(String key) {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        ObjectNode cached = deployments.get(ns, name).orElse(null);
        if (cached == null) {
            return;
        }
        new Sync(Meta.copy(cached, SharedInformers.DEPLOYMENTS)).run();
    }

    /** One sync of one Deployment; {@code d} is kept current as its status and annotations are written. */
    private final class Sync {
        private ObjectNode d;
        private final List<ObjectNode> rsList = new ArrayList<>();

        Sync(ObjectNode d) {
            this.d = d;
        }

        void run() {
            LabelSelector selector = LabelSelector.fromJson(d.path("spec").path("selector"));
            if (selector.isEverything()) {
                events.event(d, EventRecorder.WARNING, "SelectingAll",
                        "This deployment is selecting all pods. A non-empty selector is required.");
                if (d.path("status").path("observedGeneration").asLong() < generation()) {
                    d.with("status").put("observedGeneration", generation());
                    client.updateStatus(SharedInformers.DEPLOYMENTS, d);
                }
                return;
            }
            claimReplicaSets(selector);
            if (Meta.deleting(d)) {
                syncStatusOnly();
                return;
            }
            checkPausedConditions();
            if (paused()) {
                syncScale();
                return;
            }
            if (isScalingEvent()) {
                syncScale();
                return;
            }
            if (DeploymentMath.isRollingUpdate(d)) {
                rolloutRolling();
            } else {
                rolloutRecreate();
            }
        }

        private long generation() {
            return d.path("metadata").path("generation").asLong(0);
        }

        private boolean paused() {
            return d.path("spec").path("paused").asBoolean(false);
        }

        private int replicas() {
            return DeploymentMath.replicas(d);
        }

        private void claimReplicaSets(LabelSelector selector) {
            for (ObjectNode rs : claims.claim(d, selector)) {
                rsList.add(Meta.copy(rs, SharedInformers.REPLICA_SETS));
            }
        }

        // ---- ReplicaSets and revisions ----

        private ObjectNode findNewReplicaSet() {
            JsonNode template = d.path("spec").path("template");
            return rsList.stream().sorted(Comparator.comparing(Meta::creation).thenComparing(Meta::name))
                    .filter(rs -> PodTemplateHash.equalIgnoringHash(rs.path("spec").path("template"), template))
                    .findFirst().orElse(null);
        }

        private List<ObjectNode> oldReplicaSets(ObjectNode newRs) {
            return rsList.stream().filter(rs -> newRs == null || !Meta.uid(rs).equals(Meta.uid(newRs))).toList();
        }

        /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked) with revisions in order. */
        private ObjectNode newReplicaSet(boolean create) {
            ObjectNode existing = findNewReplicaSet();
            List<ObjectNode> old = oldReplicaSets(existing);
            long newRevision = DeploymentMath.nextRevision(old);
            if (existing != null) {
                ObjectNode rs = existing.deepCopy();
                boolean changed = setNewReplicaSetAnnotations(rs, newRevision, true);
                long minReady = d.path("spec").path("minReadySeconds").asLong(0);
                if (rs.path("spec").path("minReadySeconds").asLong(0) != minReady) {
                    rs.with("spec").put("minReadySeconds", minReady);
                    changed = true;
                }
                if (changed) {
                    rs = replace(client.update(SharedInformers.REPLICA_SETS, rs));
                }
                setDeploymentRevision(DeploymentMath.revision(rs));
                if (Meta.condition(d, "Progressing").isEmpty() && hasProgressDeadline()) {
                    setCondition("Progressing", "True", "FoundNewReplicaSet",
                            "Found new replica set \"" + Meta.name(rs) + "\"");
                    d = Meta.copy(client.updateStatus(SharedInformers.DEPLOYMENTS, d), SharedInformers.DEPLOYMENTS);
                }
                return rs;
            }
            if (!create) {
                return null;
            }
            Integer collisions = d.path("status").has("collisionCount")
                    ? d.path("status").path("collisionCount").asInt() : null;
            String hash = PodTemplateHash.compute(d.path("spec").path("template"), collisions);
            ObjectNode template = d.path("spec").path("template").deepCopy();
            template.with("metadata").with("labels").put(PodTemplateHash.LABEL, hash);
            ObjectNode selector = d.path("spec").path("selector").deepCopy();
            selector.with("matchLabels").put(PodTemplateHash.LABEL, hash);

            ObjectNode rs = Json.object().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
            ObjectNode meta = rs.putObject("metadata").put("name", Meta.name(d) + "-" + hash)
                    .put("namespace", Meta.namespace(d));
            meta.set("labels", template.path("metadata").path("labels").deepCopy());
            meta.putArray("ownerReferences").add(Meta.controllerRefTo(d, SharedInformers.DEPLOYMENTS));
            ObjectNode spec = rs.putObject("spec").put("replicas", 0)
                    .put("minReadySeconds", d.path("spec").path("minReadySeconds").asLong(0));
            spec.set("selector", selector);
            spec.set("template", template);
            int newReplicas = newReplicaSetReplicas(old, rs);
            spec.put("replicas", newReplicas);
            setNewReplicaSetAnnotations(rs, newRevision, false);
            ObjectNode created;
            try {
                created = client.create(SharedInformers.REPLICA_SETS, Meta.namespace(d), rs);
            } catch (ApiException e) {
                if (e.code() != 409) {
                    throw e;
                }
                ObjectNode other = client.get(SharedInformers.REPLICA_SETS, Meta.namespace(d), Meta.name(rs));
                if (Meta.controlledBy(other, d) && PodTemplateHash.equalIgnoringHash(
                        other.path("spec").path("template"), d.path("spec").path("template"))) {
                    // Our own earlier create, not yet in the cache.
                    rsList.add(other);
                    return other;
                }
                // A hash collision: the next attempt hashes with a higher collisionCount.
                d.with("status").put("collisionCount", collisions == null ? 1 : collisions + 1);
                client.updateStatus(SharedInformers.DEPLOYMENTS, d);
                throw e;
            }
            rsList.add(created);
            if (newReplicas > 0) {
                events.event(d, EventRecorder.NORMAL, "ScalingReplicaSet",
                        "Scaled up replica set " + Meta.name(created) + " to " + newReplicas);
            }
            setDeploymentRevision(newRevision);
            if (hasProgressDeadline()) {
                setCondition("Progressing", "True", "NewReplicaSetCreated",
                        "Created new replica set \"" + Meta.name(created) + "\"");
                d = Meta.copy(client.updateStatus(SharedInformers.DEPLOYMENTS, d), SharedInformers.DEPLOYMENTS);
            }
            return created;
        }

        private ObjectNode replace(ObjectNode updated) {
            ObjectNode copy = Meta.copy(updated, SharedInformers.REPLICA_SETS);
            for (int i = 0; i < rsList.size(); i++) {
                if (Meta.uid(rsList.get(i)).equals(Meta.uid(copy))) {
                    rsList.set(i, copy);
                }
            }
            return copy;
        }

        /** The Deployment's annotations (change-cause among them), the revision and, for a new one, the sizes. */
        private boolean setNewReplicaSetAnnotations(ObjectNode rs, long newRevision, boolean exists) {
            boolean changed = false;
            ObjectNode annotations = rs.with("metadata").with("annotations");
            for (var e : Meta.stringMap(d.path("metadata").path("annotations")).entrySet()) {
                if (NOT_COPIED.contains(e.getKey())) {
                    continue;
                }
                if (!e.getValue().equals(annotations.path(e.getKey()).asText(null))) {
                    annotations.put(e.getKey(), e.getValue());
                    changed = true;
                }
            }
            if (DeploymentMath.revision(rs) < newRevision) {
                annotations.put(REVISION, Long.toString(newRevision));
                changed = true;
            }
            if (!exists) {
                changed |= setReplicasAnnotations(rs);
            }
            return changed;
        }

        private boolean setReplicasAnnotations(ObjectNode rs) {
            ObjectNode annotations = rs.with("metadata").with("annotations");
            String desired = Integer.toString(replicas());
            String max = Integer.toString(replicas() + DeploymentMath.maxSurge(d));
            boolean changed = !desired.equals(annotations.path(DESIRED_REPLICAS).asText(null))
                    || !max.equals(annotations.path(MAX_REPLICAS).asText(null));
            annotations.put(DESIRED_REPLICAS, desired).put(MAX_REPLICAS, max);
            return changed;
        }

        private void setDeploymentRevision(long revision) {
            String value = Long.toString(revision);
            if (value.equals(d.path("metadata").path("annotations").path(REVISION).asText(null))) {
                return;
            }
            ObjectNode patch = Json.object();
            patch.putObject("metadata").putObject("annotations").put(REVISION, value);
            ObjectNode patched = client.patch(SharedInformers.DEPLOYMENTS, Meta.namespace(d), Meta.name(d), "",
                    PatchKind.MERGE, patch);
            // Keep our status work; take the new metadata (resourceVersion, annotations).
            JsonNode status = d.path("status");
            d = Meta.copy(patched, SharedInformers.DEPLOYMENTS);
            if (status.isObject()) {
                d.set("status", status.deepCopy());
            }
        }

        private int newReplicaSetReplicas(List<ObjectNode> old, ObjectNode newRs) {
            if (!DeploymentMath.isRollingUpdate(d)) {
                return replicas();
            }
            int current = specReplicas(newRs);
            for (ObjectNode rs : old) {
                current += specReplicas(rs);
            }
            return DeploymentMath.newReplicaSetReplicas(replicas(), DeploymentMath.maxSurge(d), current,
                    specReplicas(newRs));
        }

        /** Scales one ReplicaSet, keeping its desired/max-replicas annotations current; true if it changed. */
        private boolean scale(ObjectNode rs, int newScale) {
            int old = specReplicas(rs);
            ObjectNode copy = rs.deepCopy();
            boolean annotations = setReplicasAnnotations(copy);
            if (old == newScale && !annotations) {
                return false;
            }
            copy.with("spec").put("replicas", newScale);
            replace(client.update(SharedInformers.REPLICA_SETS, copy));
            if (old != newScale) {
                events.event(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled " + (newScale > old ? "up" : "down")
                        + " replica set " + Meta.name(rs) + " to " + newScale + " from " + old);
            }
            return old != newScale;
        }

        // ---- Strategies ----

        private void rolloutRolling() {
            ObjectNode newRs = newReplicaSet(true);
            List<ObjectNode> old = oldReplicaSets(newRs);
            boolean completeBefore = complete(d.path("status"));
            if (reconcileNewReplicaSet(newRs, old)) {
                syncRolloutStatus(newRs);
                return;
            }
            if (reconcileOldReplicaSets(current(newRs), currentList(old))) {
                syncRolloutStatus(newRs);
                return;
            }
            if (completeBefore) {
                cleanup(current(newRs));
            }
            syncRolloutStatus(newRs);
        }

        private ObjectNode current(ObjectNode rs) {
            if (rs == null) {
                return null;
            }
            return rsList.stream().filter(r -> Meta.uid(r).equals(Meta.uid(rs))).findFirst().orElse(rs);
        }

        private List<ObjectNode> currentList(List<ObjectNode> list) {
            return list.stream().map(this::current).toList();
        }

        private boolean reconcileNewReplicaSet(ObjectNode newRs, List<ObjectNode> old) {
            int want = replicas();
            int have = specReplicas(newRs);
            if (have == want) {
                return false;
            }
            if (have > want) {
                return scale(newRs, want);
            }
            return scale(newRs, newReplicaSetReplicas(old, newRs));
        }

        private boolean reconcileOldReplicaSets(ObjectNode newRs, List<ObjectNode> old) {
            int oldPods = old.stream().mapToInt(DeploymentController::specReplicas).sum();
            if (oldPods == 0) {
                return false;
            }
            int allPods = oldPods + specReplicas(newRs);
            int maxUnavailable = DeploymentMath.maxUnavailable(d);
            int maxScaledDown = DeploymentMath.maxScaledDown(allPods, replicas(), maxUnavailable,
                    specReplicas(newRs), newRs.path("status").path("availableReplicas").asInt(0));
            if (maxScaledDown <= 0) {
                return false;
            }
            // Unhealthy old pods first: removing them does not lower availability.
            int cleaned = 0;
            for (ObjectNode rs : sortedByCreation(old)) {
                if (cleaned >= maxScaledDown) {
                    break;
                }
                int specReplicas = specReplicas(rs);
                int unhealthy = specReplicas - rs.path("status").path("availableReplicas").asInt(0);
                if (specReplicas == 0 || unhealthy <= 0) {
                    continue;
                }
                int down = Math.min(maxScaledDown - cleaned, unhealthy);
                scale(rs, specReplicas - down);
                cleaned += down;
            }
            List<ObjectNode> all = new ArrayList<>(currentList(old));
            all.add(current(newRs));
            int minAvailable = replicas() - maxUnavailable;
            int available = DeploymentMath.settledAvailable(all);
            int scaledDown = 0;
            if (available > minAvailable) {
                int total = available - minAvailable;
                for (ObjectNode rs : sortedByCreation(currentList(old))) {
                    if (scaledDown >= total) {
                        break;
                    }
                    if (specReplicas(rs) == 0) {
                        continue;
                    }
                    int down = Math.min(specReplicas(rs), total - scaledDown);
                    scale(rs, specReplicas(rs) - down);
                    scaledDown += down;
                }
            }
            return cleaned + scaledDown > 0;
        }

        private void rolloutRecreate() {
            ObjectNode newRs = newReplicaSet(false);
            List<ObjectNode> old = oldReplicaSets(newRs);
            boolean scaledDown = false;
            for (ObjectNode rs : old) {
                if (specReplicas(rs) > 0) {
                    scaledDown |= scale(rs, 0);
                }
            }
            if (scaledDown) {
                syncRolloutStatus(newRs);
                return;
            }
            if (oldPodsRunning(newRs, old)) {
                syncRolloutStatus(newRs);
                return;
            }
            if (newRs == null) {
                newRs = newReplicaSet(true);
            }
            boolean completeBefore = complete(d.path("status"));
            scale(current(newRs), replicas());
            if (completeBefore) {
                cleanup(current(newRs));
            }
            syncRolloutStatus(current(newRs));
        }

        private boolean oldPodsRunning(ObjectNode newRs, List<ObjectNode> old) {
            for (ObjectNode rs : old) {
                if (rs.path("status").path("replicas").asInt(0) > 0) {
                    return true;
                }
            }
            for (ObjectNode rs : old) {
                for (ObjectNode pod : SharedInformers.controlledBy(pods, Meta.uid(rs))) {
                    String phase = Pods.phase(pod);
                    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                        return true;
                    }
                }
            }
            return false;
        }

        // ---- Scaling (paused or replicas changed) ----

        private boolean isScalingEvent() {
            ObjectNode newRs = newReplicaSet(false);
            List<ObjectNode> all = new ArrayList<>(oldReplicaSets(newRs));
            if (newRs != null) {
                all.add(newRs);
            }
            for (ObjectNode rs : all) {
                if (specReplicas(rs) <= 0) {
                    continue;
                }
                String desired = rs.path("metadata").path("annotations").path(DESIRED_REPLICAS).asText(null);
                if (desired != null && !desired.equals(Integer.toString(replicas()))) {
                    return true;
                }
            }
            return false;
        }

        private void syncScale() {
            ObjectNode newRs = newReplicaSet(false);
            List<ObjectNode> old = oldReplicaSets(newRs);
            proportionalScale(newRs, old);
            if (paused() && complete(d.path("status"))) {
                cleanup(current(newRs));
            }
            syncStatusOnly();
        }

        /** Kubernetes' scale(): one active ReplicaSet takes the new size; otherwise sizes grow in proportion. */
        private void proportionalScale(ObjectNode newRs, List<ObjectNode> old) {
            List<ObjectNode> all = new ArrayList<>(old);
            if (newRs != null) {
                all.add(newRs);
            }
            List<ObjectNode> active = all.stream().filter(rs -> specReplicas(rs) > 0).toList();
            ObjectNode only = null;
            if (active.isEmpty()) {
                only = newRs != null ? newRs : all.stream().max(Comparator.comparing(Meta::creation)).orElse(null);
            } else if (active.size() == 1) {
                only = active.get(0);
            }
            if (only != null || active.isEmpty()) {
                if (only != null) {
                    scale(only, replicas());
                }
                return;
            }
            if (newRs != null && specReplicas(newRs) == replicas()
                    && Integer.toString(replicas()).equals(newRs.path("metadata").path("annotations")
                    .path(DESIRED_REPLICAS).asText())
                    && newRs.path("status").path("availableReplicas").asInt() == replicas()) {
                for (ObjectNode rs : old) {
                    scale(rs, 0);
                }
                return;
            }
            if (!DeploymentMath.isRollingUpdate(d)) {
                return;
            }
            int allReplicas = active.stream().mapToInt(DeploymentController::specReplicas).sum();
            int allowed = replicas() > 0 ? replicas() + DeploymentMath.maxSurge(d) : 0;
            int toAdd = allowed - allReplicas;
            List<ObjectNode> ordered = new ArrayList<>(active);
            Comparator<ObjectNode> bySize = Comparator.comparingInt((ObjectNode r) -> -specReplicas(r));
            Comparator<ObjectNode> byAge = Comparator.comparing((ObjectNode r) -> Meta.creation(r));
            // Growing favours the newer ReplicaSets, shrinking the older ones (ReplicaSetsBySizeNewer/Older).
            ordered.sort(bySize.thenComparing(toAdd > 0 ? byAge.reversed() : byAge));
            Map<String, Integer> sizes = new HashMap<>();
            int added = 0;
            for (ObjectNode rs : ordered) {
                int proportion = toAdd == 0 ? 0 : proportion(rs, toAdd, added);
                sizes.put(Meta.uid(rs), specReplicas(rs) + proportion);
                added += proportion;
            }
            if (added != toAdd && !ordered.isEmpty()) {
                String first = Meta.uid(ordered.get(0));
                sizes.put(first, Math.max(0, sizes.get(first) + toAdd - added));
            }
            for (ObjectNode rs : ordered) {
                scale(current(rs), sizes.get(Meta.uid(rs)));
            }
        }

        private int proportion(ObjectNode rs, int toAdd, int added) {
            if (specReplicas(rs) == 0 || toAdd == added) {
                return 0;
            }
            int fraction;
            if (replicas() == 0) {
                fraction = -specReplicas(rs);
            } else {
                int deploymentReplicas = replicas() + DeploymentMath.maxSurge(d);
                int annotated;
                try {
                    annotated = Integer.parseInt(rs.path("metadata").path("annotations").path(MAX_REPLICAS)
                            .asText());
                } catch (NumberFormatException e) {
                    annotated = d.path("status").path("replicas").asInt(0);
                }
                double newSize = annotated == 0 ? specReplicas(rs)
                        : (double) specReplicas(rs) * deploymentReplicas / annotated;
                fraction = (int) Math.round(newSize) - specReplicas(rs);
            }
            int allowed = toAdd - added;
            return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
        }

        // ---- History ----

        private void cleanup(ObjectNode newRs) {
            JsonNode limitNode = d.path("spec").path("revisionHistoryLimit");
            if (!limitNode.isNumber()) {
                return;
            }
            List<ObjectNode> cleanable = currentList(oldReplicaSets(newRs)).stream()
                    .filter(rs -> !Meta.deleting(rs))
                    .sorted(Comparator.comparingLong(DeploymentMath::revision)).toList();
            int diff = cleanable.size() - limitNode.asInt();
            for (int i = 0; i < diff; i++) {
                ObjectNode rs = cleanable.get(i);
                if (rs.path("status").path("replicas").asInt(0) != 0 || specReplicas(rs) != 0
                        || rs.path("metadata").path("generation").asLong()
                        > rs.path("status").path("observedGeneration").asLong()) {
                    continue;
                }
                try {
                    client.delete(SharedInformers.REPLICA_SETS, Meta.namespace(rs), Meta.name(rs),
                            DeleteRequest.DEFAULT.withUid(Meta.uid(rs)));
                } catch (ApiException e) {
                    if (e.code() != 404) {
                        throw e;
                    }
                }
            }
        }

        // ---- Status ----

        private boolean hasProgressDeadline() {
            return d.path("spec").path("progressDeadlineSeconds").asLong(NO_DEADLINE) != NO_DEADLINE;
        }

        private void checkPausedConditions() {
            if (!hasProgressDeadline()) {
                return;
            }
            JsonNode cond = Meta.condition(d, "Progressing").orElse(null);
            if (cond != null && "ProgressDeadlineExceeded".equals(cond.path("reason").asText())) {
                return;
            }
            boolean pausedCond = cond != null && "DeploymentPaused".equals(cond.path("reason").asText());
            if (paused() && !pausedCond) {
                setCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused");
            } else if (!paused() && pausedCond) {
                setCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed");
            } else {
                return;
            }
            d = Meta.copy(client.updateStatus(SharedInformers.DEPLOYMENTS, d), SharedInformers.DEPLOYMENTS);
        }

        /** calculateStatus: counts over the ReplicaSets plus the Available condition. */
        private ObjectNode calculateStatus(ObjectNode newRs) {
            List<ObjectNode> all = currentList(rsList);
            int total = 0;
            int ready = 0;
            int available = 0;
            for (ObjectNode rs : all) {
                total += rs.path("status").path("replicas").asInt(0);
                ready += rs.path("status").path("readyReplicas").asInt(0);
                available += rs.path("status").path("availableReplicas").asInt(0);
            }
            int updated = newRs == null ? 0 : current(newRs).path("status").path("replicas").asInt(0);
            ObjectNode status = Json.object();
            status.put("observedGeneration", generation());
            putNonZero(status, "replicas", total);
            putNonZero(status, "updatedReplicas", updated);
            putNonZero(status, "readyReplicas", ready);
            putNonZero(status, "availableReplicas", available);
            putNonZero(status, "unavailableReplicas", Math.max(0, replicas() - available));
            if (d.path("status").has("conditions")) {
                status.set("conditions", d.path("status").path("conditions").deepCopy());
            }
            if (d.path("status").has("collisionCount")) {
                status.set("collisionCount", d.path("status").path("collisionCount"));
            }
            if (available >= replicas() - DeploymentMath.maxUnavailable(d)) {
                setCondition(status, "Available", "True", "MinimumReplicasAvailable",
                        "Deployment has minimum availability.");
            } else {
                setCondition(status, "Available", "False", "MinimumReplicasUnavailable",
                        "Deployment does not have minimum availability.");
            }
            return status;
        }

        private void syncStatusOnly() {
            ObjectNode newRs = findNewReplicaSet();
            writeStatus(calculateStatus(newRs));
        }

        private void syncRolloutStatus(ObjectNode newRs) {
            ObjectNode status = calculateStatus(newRs);
            if (!hasProgressDeadline()) {
                removeCondition(status, "Progressing");
            }
            JsonNode cond = condition(status, "Progressing");
            boolean alreadyComplete = status.path("replicas").asInt(0) == status.path("updatedReplicas").asInt(0)
                    && cond != null && "NewReplicaSetAvailable".equals(cond.path("reason").asText());
            String rsName = newRs == null ? null : Meta.name(newRs);
            if (hasProgressDeadline() && !alreadyComplete) {
                if (complete(status)) {
                    setCondition(status, "Progressing", "True", "NewReplicaSetAvailable", rsName == null
                            ? "Deployment has successfully progressed."
                            : "ReplicaSet \"" + rsName + "\" has successfully progressed.");
                } else if (progressing(status)) {
                    String message = rsName == null ? "Deployment is progressing."
                            : "ReplicaSet \"" + rsName + "\" is progressing.";
                    String transition = cond != null && "True".equals(cond.path("status").asText())
                            ? cond.path("lastTransitionTime").asText() : null;
                    removeCondition(status, "Progressing");
                    ObjectNode c = setCondition(status, "Progressing", "True", "ReplicaSetUpdated", message);
                    if (transition != null) {
                        c.put("lastTransitionTime", transition);
                    }
                } else if (timedOut(status)) {
                    setCondition(status, "Progressing", "False", "ProgressDeadlineExceeded", rsName == null
                            ? "Deployment has timed out progressing."
                            : "ReplicaSet \"" + rsName + "\" has timed out progressing.");
                }
            }
            writeStatus(status);
            requeueStuck(status);
        }

        private void writeStatus(ObjectNode status) {
            if (status.equals(d.path("status"))) {
                return;
            }
            d.set("status", status);
            d = Meta.copy(client.updateStatus(SharedInformers.DEPLOYMENTS, d), SharedInformers.DEPLOYMENTS);
        }

        /** DeploymentComplete: all replicas updated and available, and the latest spec observed. */
        private boolean complete(JsonNode status) {
            int r = replicas();
            return status.path("updatedReplicas").asInt(0) == r && status.path("replicas").asInt(0) == r
                    && status.path("availableReplicas").asInt(0) == r
                    && status.path("observedGeneration").asLong(0) >= generation();
        }

        private boolean progressing(JsonNode status) {
            JsonNode old = d.path("status");
            int newOld = status.path("replicas").asInt(0) - status.path("updatedReplicas").asInt(0);
            int curOld = old.path("replicas").asInt(0) - old.path("updatedReplicas").asInt(0);
            return status.path("updatedReplicas").asInt(0) > old.path("updatedReplicas").asInt(0)
                    || newOld < curOld
                    || status.path("readyReplicas").asInt(0) > old.path("readyReplicas").asInt(0)
                    || status.path("availableReplicas").asInt(0) > old.path("availableReplicas").asInt(0);
        }

        private boolean timedOut(JsonNode status) {
            JsonNode cond = condition(status, "Progressing");
            if (cond == null || "NewReplicaSetAvailable".equals(cond.path("reason").asText())) {
                return false;
            }
            if ("ProgressDeadlineExceeded".equals(cond.path("reason").asText())) {
                return true;
            }
            Instant from = Meta.parseTime(cond.path("lastUpdateTime")).orElse(null);
            long deadline = d.path("spec").path("progressDeadlineSeconds").asLong();
            return from != null && from.plusSeconds(deadline).isBefore(clock.instant());
        }

        /** Comes back when the progress deadline would pass, since nothing else may happen until then. */
        private void requeueStuck(JsonNode status) {
            JsonNode cond = condition(status, "Progressing");
            if (!hasProgressDeadline() || cond == null || complete(status)
                    || "NewReplicaSetAvailable".equals(cond.path("reason").asText())
                    || "ProgressDeadlineExceeded".equals(cond.path("reason").asText())) {
                return;
            }
            Instant from = Meta.parseTime(cond.path("lastUpdateTime")).orElse(clock.instant());
            Duration after = Duration.between(clock.instant(),
                    from.plusSeconds(d.path("spec").path("progressDeadlineSeconds").asLong()));
            queue.addAfter(Meta.key(d), after.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ZERO
                    : after.plusSeconds(1));
        }

        private void setCondition(String type, String status, String reason, String message) {
            setCondition(d.with("status"), type, status, reason, message);
        }

        /** SetDeploymentCondition: same status and reason is no change; same status keeps lastTransitionTime. */
        private ObjectNode setCondition(ObjectNode status, String type, String value, String reason, String message) {
            JsonNode current = condition(status, type);
            if (current != null && value.equals(current.path("status").asText())
                    && reason.equals(current.path("reason").asText())) {
                return (ObjectNode) current;
            }
            String now = Meta.time(clock.instant());
            ObjectNode c = Json.object().put("type", type).put("status", value).put("lastUpdateTime", now)
                    .put("lastTransitionTime", now).put("reason", reason).put("message", message);
            if (current != null && value.equals(current.path("status").asText())) {
                c.put("lastTransitionTime", current.path("lastTransitionTime").asText());
            }
            removeCondition(status, type);
            status.withArray("conditions").add(c);
            return c;
        }
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return null;
    }

    private static void removeCondition(ObjectNode status, String type) {
        if (status.path("conditions") instanceof ArrayNode a) {
            for (int i = a.size() - 1; i >= 0; i--) {
                if (type.equals(a.get(i).path("type").asText())) {
                    a.remove(i);
                }
            }
        }
    }

    private static void putNonZero(ObjectNode status, String field, int value) {
        if (value != 0) {
            status.put(field, value);
        }
    }

    static int specReplicas(JsonNode rs) {
        return rs == null ? 0 : rs.path("spec").path("replicas").asInt(1);
    }

    private static List<ObjectNode> sortedByCreation(List<ObjectNode> list) {
        return list.stream().sorted(Comparator.comparing((ObjectNode r) -> Meta.creation(r))
                .thenComparing(r -> Meta.name(r))).toList();
    }
}
