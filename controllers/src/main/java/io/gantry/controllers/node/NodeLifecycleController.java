package io.gantry.controllers.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.EventRecorder;
import io.gantry.client.Informer;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' node lifecycle controller with its taint-based eviction: a node whose kubelet stopped renewing its
 * Lease in kube-node-lease (and posting status) for the grace period gets its conditions set to Unknown and the
 * {@code node.kubernetes.io/unreachable:NoExecute} taint; a node reporting Ready=False gets
 * {@code node.kubernetes.io/not-ready:NoExecute}; pods that do not tolerate a NoExecute taint of their node are
 * deleted, those that tolerate it for tolerationSeconds when that time has passed. Healthy nodes lose the taints.
 * Heartbeats are timed by this controller's clock when it sees them change, so clock skew with kubelets is harmless.
 * As Kubernetes' TaintNodesByCondition, a node whose MemoryPressure, DiskPressure or PIDPressure condition is True
 * carries the matching {@code node.kubernetes.io/*-pressure:NoSchedule} taint, so that the scheduler places no new
 * pods there (DaemonSet pods tolerate them); the taint goes with the condition.
 */
public final class NodeLifecycleController extends Controller {
    public static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final List<String> CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

    private final ApiClient client;
    private final EventRecorder events;
    private final Duration gracePeriod;
    private final Duration monitorPeriod;
    private final Informer nodes;
    private final Informer leases;
    private final Informer pods;
    private final Map<String, Health> health = new ConcurrentHashMap<>();
    private volatile Thread monitor;

    /** The last heartbeat seen and when this controller saw it change. */
    private record Health(String heartbeat, Instant observedAt) {
    }

    public NodeLifecycleController(ControllerManager.Term term) {
        super("node-lifecycle", 1, term.clock());
        this.client = term.client();
        this.events = term.events();
        this.gracePeriod = term.config().nodeMonitorGracePeriod();
        this.monitorPeriod = term.config().nodeMonitorPeriod();
        this.nodes = term.informers().informer(SharedInformers.NODES);
        this.leases = term.informers().informer(SharedInformers.LEASES, LEASE_NAMESPACE);
        this.pods = term.informers().informer(SharedInformers.PODS);
        Informer.Handler byName = new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode o) {
                enqueue(Meta.name(o));
            }

            @Override
            public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
                enqueue(Meta.name(newObject));
            }

            @Override
            public void onDelete(ObjectNode o) {
                enqueue(Meta.name(o));
            }
        };
        nodes.addHandler(byName);
        leases.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode lease) {
                enqueue(Meta.name(lease));
            }

            // A renewal only matters at once for a node that is not Ready: its return. For the others, staleness
            // is found by time, on the monitor's pass (as Kubernetes reads Leases only in monitorNodeHealth); at
            // 5,000 nodes this spares 500 passes a second.
            @Override
            public void onUpdate(ObjectNode oldLease, ObjectNode lease) {
                if (!readyAndUntainted(Meta.name(lease))) {
                    enqueue(Meta.name(lease));
                }
            }

            @Override
            public void onDelete(ObjectNode lease) {
                enqueue(Meta.name(lease));
            }
        });
        pods.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode pod) {
                enqueueNodeOf(pod);
            }

            @Override
            public void onUpdate(ObjectNode oldPod, ObjectNode newPod) {
                if (!Pods.nodeName(newPod).equals(Pods.nodeName(oldPod))
                        || !newPod.path("spec").path("tolerations").equals(oldPod.path("spec").path("tolerations"))) {
                    enqueueNodeOf(newPod);
                }
            }
        });
    }

    /** A pod only has to be looked at now if its node has NoExecute taints (what evicts it). */
    private void enqueueNodeOf(JsonNode pod) {
        String node = Pods.nodeName(pod);
        if (!node.isEmpty() && !Meta.deleting(pod)
                && nodes.get("", node).map(n -> !Taints.noExecute(n).isEmpty()).orElse(false)) {
            enqueue(node);
        }
    }

    private boolean readyAndUntainted(String nodeName) {
        return nodes.get("", nodeName).map(NodeLifecycleController::readyAndUntainted).orElse(false);
    }

    private static boolean readyAndUntainted(ObjectNode node) {
        return Meta.condition(node, "Ready").map(c -> "True".equals(c.path("status").asText())).orElse(false)
                && Taints.noExecute(node).isEmpty();
    }

    @Override
    protected void started() {
        // Staleness is noticed by time, not by events: look at every node each monitor period.
        monitor = Thread.ofVirtual().name("node-monitor").start(() -> {
            while (!queue.isShutDown()) {
                Instant now = clock.instant();
                for (ObjectNode n : nodes.list()) {
                    monitorPass(n, now);
                }
                try {
                    Thread.sleep(monitorPeriod);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        Thread m = monitor;
        if (m != null) {
            m.interrupt();
        }
        super.close();
    }

    @Override
    protected void reconcile(String name) {
        ObjectNode cached = nodes.get("", name).orElse(null);
        if (cached == null) {
            health.remove(name);
            return;
        }
        // the cached tree is shared; the steps copy it only when they change it (most passes change nothing)
        ObjectNode node = cached;
        Instant now = clock.instant();
        node = monitorHealth(node, now);
        node = syncTaints(node, now);
        node = syncConditionTaints(node, now);
        evictPods(node, now);
    }

    /**
     * One node on the monitor's pass. A Ready node without NoExecute taints whose heartbeat is fresh needs no
     * reconcile (its own changes queue it): it is only queued for the moment its grace period runs out, if that
     * comes before the next pass. Everything else goes through the whole reconcile.
     */
    private void monitorPass(ObjectNode node, Instant now) {
        String name = Meta.name(node);
        Health h = observe(node, now);
        Duration left = Duration.between(now, h.observedAt().plus(gracePeriod));
        if (left.isNegative() || !readyAndUntainted(node)) {
            enqueue(name);
        } else if (left.compareTo(monitorPeriod) < 0) {
            queue.addAfter(name, left.plusMillis(1));
        }
    }

    /** Notes the node's heartbeat (its Lease's renewTime and its Ready condition's), timed when it changes. */
    private Health observe(ObjectNode node, Instant now) {
        String name = Meta.name(node);
        String lease = leases.get(LEASE_NAMESPACE, name)
                .map(l -> l.path("spec").path("renewTime").asText("")).orElse("");
        String posted = Meta.condition(node, "Ready").map(c -> c.path("lastHeartbeatTime").asText("")).orElse("");
        String heartbeat = lease + "|" + posted;
        return health.compute(name, (k, old) ->
                old == null || !old.heartbeat().equals(heartbeat) ? new Health(heartbeat, now) : old);
    }

    private ObjectNode monitorHealth(ObjectNode node, Instant now) {
        String name = Meta.name(node);
        Health h = observe(node, now);
        if (!h.observedAt().plus(gracePeriod).isBefore(now)) {
            Duration left = Duration.between(now, h.observedAt().plus(gracePeriod));
            queue.addAfter(name, left.plusMillis(1));
            return node;
        }
        node = Meta.copy(node, SharedInformers.NODES);
        boolean changed = false;
        ArrayNode conditions = node.with("status").withArray("conditions");
        boolean hasReady = Meta.condition(node, "Ready").isPresent();
        if (!hasReady) {
            conditions.addObject().put("type", "Ready").put("status", "Unknown").put("reason", "NodeStatusNeverUpdated")
                    .put("message", "Kubelet never posted node status.")
                    .put("lastHeartbeatTime", Meta.time(Meta.creation(node)))
                    .put("lastTransitionTime", Meta.time(now));
            changed = true;
        }
        for (JsonNode c : conditions) {
            if (CONDITIONS.contains(c.path("type").asText()) && !"Unknown".equals(c.path("status").asText())) {
                ((ObjectNode) c).put("status", "Unknown").put("reason", "NodeStatusUnknown")
                        .put("message", "Kubelet stopped posting node status.")
                        .put("lastTransitionTime", Meta.time(now));
                changed = true;
            }
        }
        if (!changed) {
            return node;
        }
        ObjectNode updated = Meta.copy(client.updateStatus(SharedInformers.NODES, node), SharedInformers.NODES);
        events.event(updated, EventRecorder.NORMAL, "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
        markPodsNotReady(name);
        return updated;
    }

    /** Kubernetes' MarkPodsNotReady: pods on an unresponsive node are no longer Ready (and leave endpoints). */
    private void markPodsNotReady(String nodeName) {
        for (ObjectNode pod : SharedInformers.podsOnNode(pods, nodeName)) {
            if (!Pods.ready(pod)) {
                continue;
            }
            ObjectNode copy = Meta.copy(pod, SharedInformers.PODS);
            for (JsonNode c : copy.path("status").path("conditions")) {
                if ("Ready".equals(c.path("type").asText())) {
                    ((ObjectNode) c).put("status", "False").put("lastTransitionTime", Meta.time(clock.instant()));
                }
            }
            try {
                client.updateStatus(SharedInformers.PODS, copy);
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 409) {
                    throw e;
                }
            }
        }
    }

    /**
     * An unhealthy node carries its health taint twice, as Kubernetes puts it: NoExecute, which evicts the pods
     * that stop tolerating it, and NoSchedule (TaintNodesByCondition), which keeps the scheduler from placing new
     * pods there only for the taint manager to evict them again.
     */
    private ObjectNode syncTaints(ObjectNode node, Instant now) {
        String ready = Meta.condition(node, "Ready").map(c -> c.path("status").asText()).orElse("Unknown");
        String want = switch (ready) {
            case "True" -> null;
            case "False" -> Taints.NOT_READY;
            default -> Taints.UNREACHABLE;
        };
        if (want == null && !hasHealthTaint(node)) {
            return node;
        }
        node = Meta.copy(node, SharedInformers.NODES);
        ArrayNode taints = node.with("spec").withArray("taints");
        boolean changed = false;
        java.util.Set<String> present = new java.util.HashSet<>();
        for (int i = taints.size() - 1; i >= 0; i--) {
            JsonNode t = taints.get(i);
            String key = t.path("key").asText();
            String effect = t.path("effect").asText();
            if (!isHealthTaint(key, effect)) {
                continue;
            }
            if (key.equals(want)) {
                present.add(effect);
            } else {
                taints.remove(i);
                changed = true;
            }
        }
        if (want != null) {
            for (String effect : List.of(Taints.NO_SCHEDULE, Taints.NO_EXECUTE)) {
                if (!present.contains(effect)) {
                    taints.addObject().put("key", want).put("effect", effect).put("timeAdded", Meta.time(now));
                    changed = true;
                }
            }
        }
        if (taints.isEmpty()) {
            ((ObjectNode) node.path("spec")).remove("taints");
        }
        if (!changed) {
            return node;
        }
        return Meta.copy(client.update(SharedInformers.NODES, node), SharedInformers.NODES);
    }

    private static boolean isHealthTaint(String key, String effect) {
        return (key.equals(Taints.UNREACHABLE) || key.equals(Taints.NOT_READY))
                && (effect.equals(Taints.NO_EXECUTE) || effect.equals(Taints.NO_SCHEDULE));
    }

    /**
     * Kubernetes' TaintNodesByCondition beyond health: the NoSchedule taint of each pressure condition while it is
     * True, and node.kubernetes.io/unschedulable while the node is cordoned, each stamped when added.
     */
    private ObjectNode syncConditionTaints(ObjectNode node, Instant now) {
        java.util.Set<String> managed = new java.util.HashSet<>(Taints.BY_PRESSURE_CONDITION.values());
        managed.add(Taints.UNSCHEDULABLE);
        java.util.Set<String> want = new java.util.HashSet<>();
        Taints.BY_PRESSURE_CONDITION.forEach((condition, taint) -> {
            if (Meta.condition(node, condition).map(c -> "True".equals(c.path("status").asText())).orElse(false)) {
                want.add(taint);
            }
        });
        if (node.path("spec").path("unschedulable").asBoolean(false)) {
            want.add(Taints.UNSCHEDULABLE);
        }
        java.util.Set<String> have = new java.util.HashSet<>();
        for (JsonNode t : node.path("spec").path("taints")) {
            if (Taints.NO_SCHEDULE.equals(t.path("effect").asText()) && managed.contains(t.path("key").asText())) {
                have.add(t.path("key").asText());
            }
        }
        if (want.equals(have)) {
            return node;
        }
        ObjectNode copy = Meta.copy(node, SharedInformers.NODES);
        ArrayNode taints = copy.with("spec").withArray("taints");
        for (int i = taints.size() - 1; i >= 0; i--) {
            JsonNode t = taints.get(i);
            if (Taints.NO_SCHEDULE.equals(t.path("effect").asText()) && have.contains(t.path("key").asText())
                    && !want.contains(t.path("key").asText())) {
                taints.remove(i);
            }
        }
        want.stream().filter(k -> !have.contains(k)).sorted().forEach(k -> taints.addObject().put("key", k)
                .put("effect", Taints.NO_SCHEDULE).put("timeAdded", Meta.time(now)));
        if (taints.isEmpty()) {
            ((ObjectNode) copy.path("spec")).remove("taints");
        }
        return Meta.copy(client.update(SharedInformers.NODES, copy), SharedInformers.NODES);
    }

    private static boolean hasHealthTaint(ObjectNode node) {
        for (JsonNode t : node.path("spec").path("taints")) {
            if (isHealthTaint(t.path("key").asText(), t.path("effect").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The taint manager: deletes pods whose tolerations of the node's NoExecute taints ran out. */
    private void evictPods(ObjectNode node, Instant now) {
        List<JsonNode> taints = Taints.noExecute(node);
        if (taints.isEmpty()) {
            return;
        }
        Instant tainted = taints.stream().map(t -> Meta.parseTime(t.path("timeAdded")).orElse(now))
                .min(Instant::compareTo).orElse(now);
        Duration soonest = null;
        for (ObjectNode pod : SharedInformers.podsOnNode(pods, Meta.name(node))) {
            if (Meta.deleting(pod)) {
                continue;
            }
            Optional<Duration> allowed = Taints.tolerationTime(pod, taints);
            if (allowed.isPresent() && allowed.get().equals(Taints.FOREVER)) {
                continue;
            }
            Duration left = allowed.map(a -> Duration.between(now, tainted.plus(a))).orElse(Duration.ZERO);
            if (left.isNegative() || left.isZero()) {
                evict(pod);
            } else if (soonest == null || left.compareTo(soonest) < 0) {
                soonest = left;
            }
        }
        if (soonest != null) {
            queue.addAfter(Meta.name(node), soonest);
        }
    }

    private void evict(ObjectNode pod) {
        try {
            client.delete(SharedInformers.PODS, Meta.namespace(pod), Meta.name(pod),
                    DeleteRequest.DEFAULT.withUid(Meta.uid(pod)));
            events.event(Meta.copy(pod, SharedInformers.PODS), EventRecorder.NORMAL, "TaintManagerEviction",
                    "Marking for deletion Pod " + Meta.key(pod));
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
        }
    }
}
