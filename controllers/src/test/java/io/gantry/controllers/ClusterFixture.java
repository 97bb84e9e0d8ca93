package io.gantry.controllers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.client.ApiClient;
import io.gantry.client.HttpApiClient;
import io.gantry.client.ListQuery;
import io.gantry.client.Tls;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** An in-process API server and a client; the test plays the scheduler and the kubelet. */
public final class ClusterFixture implements AutoCloseable {
    public final ApiServer server;
    public final ApiClient client;

    public ClusterFixture(Path dir) {
        server = ApiServer.start(ServerConfig.defaults(dir).withPort(0));
        ApiClient c = null;
        try {
            c = new HttpApiClient("https://127.0.0.1:" + server.port(), Tls.trusting(server.credentials().caPem()),
                    server.credentials().adminToken(), "gantry-controllers-test");
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        client = c;
    }

    public static ControllerManagerConfig config() {
        return ControllerManagerConfig.defaults().withIdentity("test")
                .withLeaderElection(false, java.time.Duration.ofSeconds(15), java.time.Duration.ofSeconds(10),
                        java.time.Duration.ofSeconds(2));
    }

    public List<ObjectNode> pods(String namespace, String labelSelector) {
        return client.list(SharedInformers.PODS, namespace, ListQuery.labels(labelSelector)).items();
    }

    public List<ObjectNode> activePods(String namespace, String labelSelector) {
        return pods(namespace, labelSelector).stream().filter(Pods::active).toList();
    }

    /** Binds the pod to a node and reports it Running and Ready since {@code readySince}. */
    public ObjectNode runReady(ObjectNode pod, String node, Instant readySince) {
        String ns = Meta.namespace(pod);
        String name = Meta.name(pod);
        ObjectNode current = client.get(SharedInformers.PODS, ns, name);
        if (Pods.nodeName(current).isEmpty()) {
            ObjectNode binding = Json.object().put("apiVersion", "v1").put("kind", "Binding");
            binding.putObject("metadata").put("name", name);
            binding.putObject("target").put("kind", "Node").put("name", node);
            client.post(SharedInformers.PODS, ns, name, "binding", binding);
        }
        return retryOnConflict(() -> {
            ObjectNode fresh = client.get(SharedInformers.PODS, ns, name);
            ObjectNode status = fresh.with("status");
            status.put("phase", "Running");
            ArrayNode conditions = status.putArray("conditions");
            for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
                conditions.addObject().put("type", type).put("status", "True")
                        .put("lastTransitionTime", Meta.time(readySince));
            }
            return client.updateStatus(SharedInformers.PODS, fresh);
        });
    }

    /** Read-modify-write as a kubelet does it: a 409 means someone else wrote first, so read again. */
    public static <T> T retryOnConflict(java.util.function.Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (io.gantry.api.ApiException e) {
                if (e.code() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
