package io.gantry.agent.node;

import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.Informer;
import io.gantry.client.ListQuery;
import io.gantry.network.policy.PolicyEnforcer;
import java.time.Duration;
import java.util.List;

/**
 * The node's network policy enforcement: watches NetworkPolicies, the pods of the whole cluster (the peers that
 * selectors name) and Namespaces, and keeps the rules of this node's pods those that {@link PolicyResolver} makes
 * of them. Every change re-resolves everything; the enforcer writes only when the result differs.
 */
final class NetworkPolicies implements AutoCloseable {
    static final ResourceType POLICIES = NodeHeartbeat.REGISTRY.byKind("networking.k8s.io/v1", "NetworkPolicy")
            .orElseThrow();
    static final ResourceType NAMESPACES = NodeHeartbeat.REGISTRY.byKind("v1", "Namespace").orElseThrow();
    private static final Duration RESYNC = Duration.ofMinutes(1);

    private final Informer policies;
    private final Informer pods;
    private final Informer namespaces;
    private final SyncLoop loop;

    NetworkPolicies(ApiClient client, String nodeName, PolicyEnforcer enforcer) {
        this.policies = new Informer(client, POLICIES, "", ListQuery.ALL).withoutManagedFields();
        this.pods = new Informer(client, NodeAgent.PODS, "", ListQuery.ALL).withoutManagedFields();
        this.namespaces = new Informer(client, NAMESPACES, "", ListQuery.ALL).withoutManagedFields();
        this.loop = new SyncLoop("network-policies", RESYNC, full -> {
            // without policies every pod is open: no need to go through the cluster's pods on each of their changes
            List<com.fasterxml.jackson.databind.node.ObjectNode> all = policies.list();
            var resolved = all.isEmpty() ? List.<io.gantry.network.policy.PodPolicy>of()
                    : new PolicyResolver(nodeName, all, pods.list(), namespaces.list()).resolve();
            if (full) {
                enforcer.resync(resolved);
            } else {
                enforcer.sync(resolved);
            }
        });
    }

    NetworkPolicies start() {
        for (Informer source : List.of(policies, pods, namespaces)) {
            source.addHandler(loop.onAnyEvent()).start();
        }
        loop.start(List.of(policies, pods, namespaces));
        return this;
    }

    @Override
    public void close() {
        loop.close();
        policies.close();
        pods.close();
        namespaces.close();
    }
}
