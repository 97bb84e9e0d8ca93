package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.ResourceRegistry;
import io.gantry.client.ApiClient;
import io.gantry.client.PatchKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Registers the node and keeps it alive as the kubelet does: the Lease in kube-node-lease renewed every quarter
 * of its duration, the Ready condition's heartbeat re-posted every status interval, and a deleted Node registered
 * again.
 */
final class NodeHeartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);
    static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    static final ResourceType NODES = REGISTRY.byKind("v1", "Node").orElseThrow();
    static final ResourceType LEASES = REGISTRY.byKind("coordination.k8s.io/v1", "Lease").orElseThrow();

    private final ApiClient client;
    private final NodeAgentConfig config;
    private final NodeObjects objects;
    private final Clock clock;
    private volatile String nodeUid = "";
    private volatile Thread thread;

    NodeHeartbeat(ApiClient client, NodeAgentConfig config, NodeObjects objects, Clock clock) {
        this.client = client;
        this.config = config;
        this.objects = objects;
        this.clock = clock;
    }

    /** Creates or takes over the Node, posts its full status and its Lease. */
    void register() {
        Instant now = clock.instant();
        ObjectNode created;
        try {
            created = client.create(NODES, "", objects.node());
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
            // registered before: bring labels and the serving certificate's fingerprint up to date
            ObjectNode meta = Json.object();
            meta.set("labels", objects.node().path("metadata").path("labels"));
            meta.set("annotations", objects.node().path("metadata").path("annotations"));
            created = client.patch(NODES, "", config.nodeName(), "", PatchKind.MERGE,
                    Json.object().set("metadata", meta));
        }
        nodeUid = created.path("metadata").path("uid").asText("");
        client.patch(NODES, "", config.nodeName(), "status", PatchKind.MERGE,
                Json.object().set("status", objects.status(now)));
        writeLease(now);
    }

    void start() {
        thread = Thread.ofVirtual().name("node-heartbeat").start(this::loop);
    }

    private void loop() {
        Instant nextStatus = clock.instant().plus(config.statusInterval());
        Instant nextCheck = clock.instant().plus(statusCheckInterval());
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(config.leaseRenewInterval());
            } catch (InterruptedException e) {
                return;
            }
            Instant now = clock.instant();
            try {
                client.patchWithoutResult(LEASES, NodeObjects.LEASE_NAMESPACE, config.nodeName(), "", PatchKind.MERGE,
                        Json.object().set("spec", objects.leaseSpec(now)));
                ArrayNode conditions = null;
                if (!now.isBefore(nextStatus)) {
                    conditions = objects.conditions(now);
                } else if (!now.isBefore(nextCheck)) {
                    // as the kubelet: what the Node shows is checked often, posted only when it differs, e.g. after
                    // the control plane marked the node Unknown while it could not be reached
                    JsonNode shown = client.get(NODES, "", config.nodeName()).path("status").path("conditions");
                    if (!shows(shown, objects.conditions(now))) {
                        if (!"True".equals(statusIn(shown, "Ready"))) {
                            objects.readyAgain(now);
                        }
                        conditions = objects.conditions(now);
                    }
                    nextCheck = now.plus(statusCheckInterval());
                }
                if (conditions != null) {
                    client.patchWithoutResult(NODES, "", config.nodeName(), "status", PatchKind.MERGE,
                            Json.object().set("status", Json.object().set("conditions", conditions)));
                    nextStatus = now.plus(config.statusInterval());
                }
            } catch (ApiException e) {
                if (e.code() == 404) {
                    LOG.info("node {} or its lease is gone: registering again", config.nodeName());
                    try {
                        register();
                    } catch (RuntimeException again) {
                        LOG.warn("registering node {} failed: {}", config.nodeName(), again.toString());
                    }
                } else {
                    LOG.warn("node heartbeat failed: {}", e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.warn("node heartbeat failed: {}", e.toString());
            }
        }
    }

    /** The kubelet's nodeStatusUpdateFrequency, or the lease's renewal when that is shorter. */
    private Duration statusCheckInterval() {
        Duration kubelet = Duration.ofSeconds(10);
        return config.leaseRenewInterval().compareTo(kubelet) < 0 ? config.leaseRenewInterval() : kubelet;
    }

    /** Whether the Node's conditions ({@code shown}) have the statuses of {@code ours}. */
    static boolean shows(JsonNode shown, ArrayNode ours) {
        for (JsonNode c : ours) {
            if (!c.path("status").asText().equals(statusIn(shown, c.path("type").asText()))) {
                return false;
            }
        }
        return true;
    }

    private static String statusIn(JsonNode conditions, String type) {
        for (JsonNode c : conditions) {
            if (type.equals(c.path("type").asText())) {
                return c.path("status").asText();
            }
        }
        return null;
    }

    /** Posts the conditions now, out of turn: one changed (the kubelet too reports a changed status at once). */
    void postConditions() {
        try {
            client.patchWithoutResult(NODES, "", config.nodeName(), "status", PatchKind.MERGE,
                    Json.object().set("status", Json.object().set("conditions", objects.conditions(clock.instant()))));
        } catch (RuntimeException e) {
            // the next regular post carries the change
            LOG.warn("posting the node's conditions failed: {}", e.toString());
        }
    }

    private void writeLease(Instant now) {
        try {
            client.create(LEASES, NodeObjects.LEASE_NAMESPACE, objects.lease(nodeUid, now));
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
            client.patch(LEASES, NodeObjects.LEASE_NAMESPACE, config.nodeName(), "", PatchKind.MERGE,
                    Json.object().set("spec", objects.leaseSpec(now)));
        }
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
