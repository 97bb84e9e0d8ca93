package io.gantry.apiserver.subresources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.AgentEndpoint;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.http.HttpExchange;
import io.gantry.apiserver.nodes.ExecRelay;
import io.gantry.apiserver.nodes.NodeConnections;
import io.gantry.apiserver.rest.ObjectService;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pods/exec} and {@code pods/attach}: a WebSocket ({@code v5.channel.k8s.io} or {@code v4.channel.k8s.io}, what kubectl 1.30 and
 * later speak by default) relayed to the agent of the pod's node, once the request is checked as Kubernetes does.
 */
final class PodExec {
    static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");

    private final ObjectService service;
    private final NodeConnections nodes;

    PodExec(ObjectService service, NodeConnections nodes) {
        this.service = service;
        this.nodes = nodes;
    }

    void serve(HttpExchange ex, ResourceType pods, String namespace, String name) {
        List<String> command = ex.queryValues("command");
        if (command == null || command.isEmpty()) {
            requireMethod(ex);
            throw ApiException.badRequest("you must specify at least 1 command");
        }
        relay(ex, pods, namespace, name, "exec", AgentEndpoint.EXEC, command);
    }

    /** {@code pods/attach}: the same relay, to the container's main process instead of a new command. */
    void serveAttach(HttpExchange ex, ResourceType pods, String namespace, String name) {
        relay(ex, pods, namespace, name, "attach", AgentEndpoint.ATTACH, List.of());
    }

    private static void requireMethod(HttpExchange ex) {
        if (!ex.method().equals("GET") && !ex.method().equals("POST")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private void relay(HttpExchange ex, ResourceType pods, String namespace, String name, String what,
                       String agentPath, List<String> command) {
        requireMethod(ex);
        ObjectNode pod = service.get(pods, namespace, name);
        String container = PodLogs.container(pod, ex.query("container"));
        if (!"Running".equals(pod.path("status").path("phase").asText())) {
            throw ApiException.badRequest("cannot " + what + " " + (what.equals("exec") ? "into" : "to")
                    + " a container in a completed pod; current phase is "
                    + pod.path("status").path("phase").asText("Pending"));
        }
        String nodeName = pod.path("spec").path("nodeName").asText("");
        ResourceType nodeType = service.registry().byKind("v1", "Node").orElseThrow();
        ObjectNode node = service.find(nodeType, "", nodeName).orElseThrow(() ->
                ApiException.badRequest("pod " + name + " does not have a host assigned"));
        StringBuilder path = new StringBuilder(agentPath).append(encode(namespace)).append('/')
                .append(encode(name)).append('/').append(encode(container)).append('?');
        List<String> query = new ArrayList<>();
        command.forEach(c -> query.add("command=" + encode(c)));
        for (String flag : List.of("stdin", "stdout", "stderr", "tty")) {
            String v = ex.query(flag);
            if (v != null) {
                query.add(flag + "=" + encode(v));
            }
        }
        path.append(String.join("&", query));
        boolean upgraded = ex.upgradeToWebSocket((rq, rs, cb) -> {
            String protocol = rq.getSubProtocols().stream().filter(PROTOCOLS::contains).findFirst().orElse(null);
            if (protocol == null) {
                rs.setStatus(400);
                cb.succeeded();
                return null;
            }
            rs.setAcceptedSubProtocol(protocol);
            return new ExecRelay(listener -> nodes.websocket(node, path.toString(), protocol, listener));
        });
        if (!upgraded) {
            throw ApiException.badRequest(what + " needs a WebSocket upgrade with one of the protocols " + PROTOCOLS
                    + " (SPDY is not supported)");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
