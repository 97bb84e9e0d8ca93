package io.gantry.apiserver.subresources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.AgentEndpoint;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.http.HttpExchange;
import io.gantry.apiserver.nodes.NodeConnections;
import io.gantry.apiserver.rest.ObjectService;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET pods/NAME/log}: checks the request as the Kubernetes API server does (which container, is the pod
 * on a node), then streams the answer of that node's agent, following while the client listens.
 */
final class PodLogs {
    private static final List<String> PASSED_ON = List.of("follow", "previous", "timestamps", "tailLines",
            "sinceSeconds", "sinceTime", "limitBytes");

    private final ObjectService service;
    private final NodeConnections nodes;

    PodLogs(ObjectService service, NodeConnections nodes) {
        this.service = service;
        this.nodes = nodes;
    }

    void serve(HttpExchange ex, ResourceType pods, String namespace, String name) throws IOException {
        if (!ex.method().equals("GET")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        ObjectNode pod = service.get(pods, namespace, name);
        String container = container(pod, ex.query("container"));
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        }
        ResourceType nodeType = service.registry().byKind("v1", "Node").orElseThrow();
        ObjectNode node = service.find(nodeType, "", nodeName).orElseThrow(() ->
                ApiException.badRequest("pod " + name + " is bound to node " + nodeName + ", which does not exist"));
        StringBuilder path = new StringBuilder(AgentEndpoint.CONTAINER_LOGS).append(encode(namespace)).append('/')
                .append(encode(name)).append('/').append(encode(container));
        List<String> query = new ArrayList<>();
        for (String parameter : PASSED_ON) {
            String value = ex.query(parameter);
            if (value != null && !value.isEmpty()) {
                query.add(parameter + "=" + encode(value));
            }
        }
        if (!query.isEmpty()) {
            path.append('?').append(String.join("&", query));
        }
        try (InputStream in = nodes.get(node, path.toString())) {
            OutputStream out = ex.startStream(200, "text/plain");
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                if (ex.clientGone()) {
                    break;
                }
            }
            out.close();
        }
    }

    /** The named container, or the only one; Kubernetes' messages otherwise. */
    static String container(JsonNode pod, String requested) {
        List<String> names = new ArrayList<>();
        List<String> all = new ArrayList<>();
        pod.path("spec").path("containers").forEach(c -> names.add(c.path("name").asText()));
        pod.path("spec").path("initContainers").forEach(c -> all.add(c.path("name").asText()));
        pod.path("spec").path("ephemeralContainers").forEach(c -> all.add(c.path("name").asText()));
        all.addAll(0, names);
        String podName = pod.path("metadata").path("name").asText();
        if (requested == null || requested.isEmpty()) {
            if (names.size() == 1) {
                return names.getFirst();
            }
            throw ApiException.badRequest("a container name must be specified for pod " + podName
                    + ", choose one of: " + names);
        }
        if (!all.contains(requested)) {
            throw ApiException.badRequest("container " + requested + " is not valid for pod " + podName);
        }
        return requested;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
