package io.gantry.agent.sim;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Many simulated nodes behind one agent identity: each registers a Node, heartbeats like a kubelet (a Lease in
 * kube-node-lease renewed every 10 s, the Ready condition's heartbeat re-posted every 5 minutes, both spread over
 * their interval so thousands of nodes do not renew at once) and "runs" the pods bound to it by reporting their
 * status, without running anything.
 * <p>
 * Cheap at 5,000 nodes: one timer thread ({@link TimerLoop}) for all heartbeats and pod timers, one pod
 * informer for all nodes (filtered here by node name, never one watch per node), and every API call on a
 * bounded pool of virtual threads ({@link RequestPool}); a pod's status changes made while its write waits go
 * out in that one write.
 * <p>
 * {@link #start()} registers the nodes and returns once each has been tried; {@link #close()} stops heartbeats
 * and pod handling but leaves the nodes registered, like a stopped kubelet: the cluster sees them go NotReady
 * when their leases lapse. The client is the caller's to close.
 */
public final class SimulatedNodes implements AutoCloseable {
    static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedNodes.class);
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType NODES = REGISTRY.byKind("v1", "Node").orElseThrow();
    private static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();
    private static final ResourceType LEASES = REGISTRY.byKind("coordination.k8s.io/v1", "Lease").orElseThrow();
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final ApiClient client;
    private final SimulationConfig config;
    private final Clock clock;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, SimulatedPod> pods = new ConcurrentHashMap<>();
    /** Registrations and heartbeats (Leases, node status). */
    private final RequestPool requests;
    /** Pod status writes and deletions, in a lane of their own so thousands of heartbeats never queue ahead of them. */
    private final RequestPool podRequests;
    private final TimerLoop timers;
    private Informer podInformer;
    private volatile boolean running;

    public SimulatedNodes(ApiClient client, SimulationConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.requests = new RequestPool(config.maxConcurrentRequests());
        this.podRequests = new RequestPool(config.maxConcurrentRequests());
        this.timers = new TimerLoop(clock, requests::submit);
        for (int i = 0; i < config.count(); i++) {
            String name = config.nodeName(i);
            nodes.put(name, new SimNode(name, SimNode.slot(config.prefix(), i)));
        }
    }

    /** The names of the simulated nodes. */
    public Collection<String> nodeNames() {
        return List.copyOf(nodes.keySet());
    }

    /** How many of the nodes are registered so far. */
    public long registeredCount() {
        return nodes.values().stream().filter(n -> n.registered).count();
    }

    /** How many pods the nodes currently run (or hold as finished). */
    public int podCount() {
        return pods.size();
    }

    /** Registers every node (in parallel, bounded), then starts heartbeats and pod handling. */
    public SimulatedNodes start() {
        running = true;
        List<Future<?>> registrations = new ArrayList<>();
        for (SimNode node : nodes.values()) {
            registrations.add(requests.submit(() -> register(node)));
        }
        for (Future<?> f : registrations) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                LOG.debug("registration failed", e.getCause());
            }
        }
        Instant now = clock.instant();
        int i = 0;
        int n = Math.max(1, nodes.size());
        for (SimNode node : nodes.values()) {
            // spread each kind of heartbeat evenly over its interval
            timers.schedule(now.plus(config.leaseRenewInterval().multipliedBy(i).dividedBy(n)), () -> renewLease(node));
            timers.schedule(now.plus(config.statusInterval().multipliedBy(i).dividedBy(n)), () -> heartbeat(node));
            if (!node.registered) {
                timers.schedule(now.plus(RETRY), () -> retryRegistration(node));
            }
            i++;
        }
        timers.start();
        Informer.Handler handler = new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode pod) {
                observe(pod);
            }

            @Override
            public void onUpdate(ObjectNode oldPod, ObjectNode newPod) {
                observe(newPod);
            }

            @Override
            public void onDelete(ObjectNode pod) {
                forget(pod);
            }
        };
        // Like a kubelet's spec.nodeName=<node>, but for many nodes at once: pods not yet scheduled are nobody's.
        podInformer = new Informer(client, PODS, "", ListQuery.fields("spec.nodeName!="))
                .keepOnly(SimulatedPod.FIELDS_READ)
                .addHandler(handler).start();
        LOG.info("{} simulated nodes started ({} registered)", nodes.size(), registeredCount());
        return this;
    }

    // ---- nodes ----

    private void register(SimNode node) {
        Instant now = clock.instant();
        ObjectNode created;
        try {
            created = client.create(NODES, "", node.node(config));
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
            // registered before (an earlier run): take it over and bring its labels up to date
            created = client.patch(NODES, "", node.name, "", PatchKind.MERGE,
                    Json.object().set("metadata", Json.object().set("labels",
                            node.node(config).path("metadata").path("labels"))));
        }
        node.uid = created.path("metadata").path("uid").asText("");
        if (node.readySince == null) {
            node.readySince = now;
        }
        client.patch(NODES, "", node.name, "status", PatchKind.MERGE,
                Json.object().set("status", node.status(config, now)));
        writeLease(node, now);
        node.registered = true;
    }

    private void retryRegistration(SimNode node) {
        if (!running || node.registered) {
            return;
        }
        try {
            register(node);
        } catch (RuntimeException e) {
            LOG.debug("registering {} failed: {}", node.name, e.toString());
            timers.after(RETRY, () -> retryRegistration(node));
        }
    }

    private void writeLease(SimNode node, Instant now) {
        try {
            client.create(LEASES, LEASE_NAMESPACE, node.lease(config, now));
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
            client.patch(LEASES, LEASE_NAMESPACE, node.name, "", PatchKind.MERGE,
                    Json.object().set("spec", node.leaseSpec(config, now)));
        }
    }

    private void renewLease(SimNode node) {
        if (!running) {
            return;
        }
        Instant started = clock.instant();
        try {
            if (node.registered) {
                client.patchWithoutResult(LEASES, LEASE_NAMESPACE, node.name, "", PatchKind.MERGE,
                        Json.object().set("spec", node.leaseSpec(config, started)));
            }
        } catch (ApiException e) {
            if (e.code() == 404) {
                tryQuietly(() -> writeLease(node, clock.instant()), node.name + " lease");
            } else {
                LOG.debug("renewing the lease of {} failed: {}", node.name, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.debug("renewing the lease of {} failed: {}", node.name, e.toString());
        } finally {
            if (running) {
                timers.schedule(started.plus(config.leaseRenewInterval()), () -> renewLease(node));
            }
        }
    }

    private void heartbeat(SimNode node) {
        if (!running) {
            return;
        }
        Instant started = clock.instant();
        try {
            if (node.registered) {
                client.patchWithoutResult(NODES, "", node.name, "status", PatchKind.MERGE,
                        Json.object().set("status", Json.object().set("conditions", node.conditions(started))));
            }
        } catch (ApiException e) {
            if (e.code() == 404) {
                // someone deleted the node: register it again, as a kubelet does
                node.registered = false;
                tryQuietly(() -> register(node), node.name + " registration");
            } else {
                LOG.debug("node status heartbeat of {} failed: {}", node.name, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.debug("node status heartbeat of {} failed: {}", node.name, e.toString());
        } finally {
            if (running) {
                timers.schedule(started.plus(config.statusInterval()), () -> heartbeat(node));
            }
        }
    }

    private static void tryQuietly(Runnable action, String what) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.debug("{} failed: {}", what, e.toString());
        }
    }

    // ---- pods ----

    /** Called from the informer thread: keep it short, all API calls go to the request pool. */
    private void observe(ObjectNode pod) {
        if (!running) {
            return;
        }
        SimNode node = nodes.get(pod.path("spec").path("nodeName").asText(""));
        if (node == null) {
            return;
        }
        String uid = pod.path("metadata").path("uid").asText();
        String key = Informer.key(pod);
        SimulatedPod sim = pods.get(key);
        if (sim != null && !sim.uid.equals(uid)) {
            // a new pod under an old name: the old one is gone
            pods.remove(key);
            sim.node.releasePodIp(sim.podIp);
            sim = null;
        }
        boolean deleting = !pod.path("metadata").path("deletionTimestamp").asText("").isEmpty();
        if (sim == null) {
            sim = new SimulatedPod(pod, node, clock.instant());
            pods.put(key, sim);
            if (!deleting && !sim.isGone()) {
                writeStatus(sim);
                scheduleExit(sim);
            }
        }
        if (deleting && sim.markDeleting(clock.instant())) {
            SimulatedPod stopping = sim;
            podRequests.submit(() -> deletePod(stopping));
        }
    }

    private void forget(ObjectNode pod) {
        String key = Informer.key(pod);
        SimulatedPod sim = pods.get(key);
        if (sim != null && sim.uid.equals(pod.path("metadata").path("uid").asText())) {
            pods.remove(key);
            sim.markDeleting(clock.instant());
            sim.node.releasePodIp(sim.podIp);
        }
    }

    private void scheduleExit(SimulatedPod sim) {
        Instant due = sim.exitDue();
        long incarnation = sim.incarnation();
        if (due != null && incarnation >= 0) {
            timers.schedule(due, () -> exit(sim, incarnation));
        }
    }

    private void exit(SimulatedPod sim, long incarnation) {
        if (!running) {
            return;
        }
        Instant restartAt = sim.exit(incarnation, clock.instant());
        writeStatus(sim);
        if (restartAt != null) {
            timers.schedule(restartAt, () -> {
                sim.restartAfterBackoff(clock.instant());
                writeStatus(sim);
                scheduleExit(sim);
            });
        } else {
            scheduleExit(sim);
        }
    }

    /** Queues one status write; changes made before it runs ride along. */
    private void writeStatus(SimulatedPod sim) {
        if (!sim.writeQueued.compareAndSet(false, true)) {
            return;
        }
        podRequests.submit(() -> {
            sim.writeQueued.set(false);
            if (sim.isGone() || !running) {
                return;
            }
            ObjectNode patch = Json.object();
            patch.putObject("metadata").put("uid", sim.uid);
            patch.set("status", sim.status());
            try {
                client.patchWithoutResult(PODS, sim.namespace, sim.name, "status", PatchKind.MERGE, patch);
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 409) {
                    LOG.debug("status of {}/{} not written: {}", sim.namespace, sim.name, e.getMessage());
                    timers.after(RETRY, () -> writeStatus(sim));
                }
            }
        });
    }

    /** The pod was asked to stop: its containers are "stopped" already, so it goes at once. */
    private void deletePod(SimulatedPod sim) {
        try {
            client.delete(PODS, sim.namespace, sim.name, DeleteRequest.now().withUid(sim.uid));
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                LOG.debug("deleting {}/{} failed, retrying: {}", sim.namespace, sim.name, e.getMessage());
                if (running) {
                    timers.after(RETRY, () -> deletePod(sim));
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (podInformer != null) {
            podInformer.close();
        }
        timers.close();
        requests.close();
        podRequests.close();
    }
}
