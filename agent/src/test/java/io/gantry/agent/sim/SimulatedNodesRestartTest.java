package io.gantry.agent.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.client.ApiClient;
import io.gantry.client.HttpApiClient;
import io.gantry.client.ListQuery;
import io.gantry.client.Tls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A restarted agent takes its registered nodes and running pods over instead of starting them afresh. */
class SimulatedNodesRestartTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType NODES = REGISTRY.byKind("v1", "Node").orElseThrow();
    private static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();

    @Test
    void restartKeepsNodesAndPods(@TempDir Path tmp) {
        try (ApiServer server = ApiServer.start(ServerConfig.defaults(tmp).withPort(0));
             ApiClient client = new HttpApiClient("https://127.0.0.1:" + server.port(),
                     Tls.trusting(server.credentials().caPem()), server.credentials().adminToken(), "restart-test")) {
            SimulationConfig config = SimulationConfig.defaults("sim-r", 2);
            String nodeUid;
            String podIp;
            String startedAt;
            try (SimulatedNodes first = new SimulatedNodes(client, config, Clock.systemUTC()).start()) {
                nodeUid = client.get(NODES, "", "sim-r-1").at("/metadata/uid").asText();
                ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
                pod.putObject("metadata").put("name", "keep");
                pod.putObject("spec").put("nodeName", "sim-r-1").putArray("containers").addObject()
                        .put("name", "c").put("image", "busybox");
                client.create(PODS, "default", pod);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.get(PODS, "default", "keep")
                        .at("/status/phase").asText().equals("Running"));
                ObjectNode running = client.get(PODS, "default", "keep");
                podIp = running.at("/status/podIP").asText();
                startedAt = running.at("/status/containerStatuses/0/state/running/startedAt").asText();
            }
            try (SimulatedNodes second = new SimulatedNodes(client, config.withLabels(java.util.Map.of("v", "2")),
                    Clock.systemUTC()).start()) {
                assertThat(second.registeredCount()).isEqualTo(2);
                ObjectNode node = client.get(NODES, "", "sim-r-1");
                assertThat(node.at("/metadata/uid").asText()).isEqualTo(nodeUid);
                assertThat(node.at("/metadata/labels/v").asText()).isEqualTo("2");
                assertThat(client.list(NODES, "", ListQuery.ALL).items()).hasSize(2);
                await().atMost(Duration.ofSeconds(10)).until(() -> second.podCount() == 1);
                ObjectNode pod = client.get(PODS, "default", "keep");
                assertThat(pod.at("/status/podIP").asText()).isEqualTo(podIp);
                assertThat(pod.at("/status/containerStatuses/0/state/running/startedAt").asText()).isEqualTo(startedAt);
            }
        }
    }
}
