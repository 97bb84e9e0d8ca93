package io.gantry.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.client.ApiClient;
import io.gantry.client.HttpApiClient;
import io.gantry.client.ListQuery;
import io.gantry.client.Tls;

import java.nio.file.Path;
import java.util.List;

import static io.gantry.scheduler.framework.Fixtures.json;

/** An in-process API server with a client, and helpers to create nodes and pods. */
final class ClusterFixture implements AutoCloseable {
    static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    static final ResourceType NODES = REGISTRY.byKind("v1", "Node").orElseThrow();
    static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();
    static final ResourceType EVENTS = REGISTRY.byKind("v1", "Event").orElseThrow();

    final ApiServer server;
    final ApiClient client;

    ClusterFixture(Path dir) {
        server = ApiServer.start(ServerConfig.defaults(dir).withPort(0));
        ApiClient c = null;
        try {
            c = new HttpApiClient("https://127.0.0.1:" + server.port(), Tls.trusting(server.credentials().caPem()),
                    server.credentials().adminToken(), "scheduler-test");
        } finally {
            if (c == null) {
                server.close();
            }
        }
        client = c;
    }

    /** Creates the node, then writes its status through nodes/status (the API server drops status on create). */
    ObjectNode createNode(String name, String cpu, String pods, String labels, String spec) {
        ObjectNode wanted = json("{'apiVersion':'v1','kind':'Node','metadata':{'name':'" + name
                + "','labels':" + labels + "},'spec':" + spec + ",'status':{"
                + "'capacity':{'cpu':'" + cpu + "','memory':'4Gi','pods':'" + pods + "'},"
                + "'allocatable':{'cpu':'" + cpu + "','memory':'4Gi','pods':'" + pods + "'},"
                + "'conditions':[{'type':'Ready','status':'True'}]}}");
        ObjectNode created = client.create(NODES, "", wanted);
        created.set("status", wanted.get("status"));
        return client.updateStatus(NODES, created);
    }

    ObjectNode createPod(String name, String cpu, String extraSpec) {
        return client.create(PODS, "default", json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name
                + "'},'spec':{" + extraSpec + "'containers':[{'name':'c','image':'busybox:1.36',"
                + "'resources':{'requests':{'cpu':'" + cpu + "','memory':'64Mi'}}}]}}"));
    }

    ObjectNode pod(String name) {
        return client.get(PODS, "default", name);
    }

    String nodeOf(String pod) {
        return pod(pod).path("spec").path("nodeName").asText("");
    }

    static String condition(ObjectNode pod, String type, String field) {
        for (var c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c.path(field).asText("");
            }
        }
        return "";
    }

    List<ObjectNode> eventsFor(String pod) {
        return client.list(EVENTS, "default", ListQuery.ALL).items().stream()
                .filter(e -> e.path("involvedObject").path("name").asText().equals(pod)).toList();
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
