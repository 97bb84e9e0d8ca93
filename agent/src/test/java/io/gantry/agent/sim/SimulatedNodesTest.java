package io.gantry.agent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.Agent;
import io.gantry.agent.AgentConfig;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.apiserver.join.JoinTokens;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.HttpApiClient;
import io.gantry.client.ListQuery;
import io.gantry.client.Tls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** 20 simulated nodes of a joined agent against an in-process API server: registration, heartbeats, pods. */
class SimulatedNodesTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType NODES = REGISTRY.byKind("v1", "Node").orElseThrow();
    private static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();
    private static final ResourceType LEASES = REGISTRY.byKind("coordination.k8s.io/v1", "Lease").orElseThrow();
    private static final Duration WAIT = Duration.ofSeconds(15);
    @TempDir
    static Path tmp;
    static ApiServer server;
    static ApiClient admin;
    static Agent.Joined agent;
    static SimulatedNodes sim;

    @BeforeAll
    static void start() {
        server = ApiServer.start(ServerConfig.defaults(tmp.resolve("server")).withPort(0));
        String url = "https://127.0.0.1:" + server.port();
        admin = new HttpApiClient(url, Tls.trusting(server.credentials().caPem()), server.credentials().adminToken(),
                "test");
        agent = Agent.join(new AgentConfig(url, JoinTokens.withCaHash(server.credentials()), "sim-test",
                tmp.resolve("agent"), null));
        SimulationConfig config = SimulationConfig.defaults("sim-test", 20)
                .withLabels(Map.of("pool", "blue"))
                .withHeartbeats(Duration.ofSeconds(1), Duration.ofSeconds(2));
        sim = new SimulatedNodes(agent.client(), config, Clock.systemUTC()).start();
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
        if (agent != null) {
            agent.close();
        }
        admin.close();
        server.close();
    }

    private static JsonNode condition(JsonNode object, String type) {
        for (JsonNode c : object.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return Json.object();
    }

    @Test
    void nodesRegisterReadyWithLeasesThatAreRenewed() {
        List<ObjectNode> nodes = admin.list(NODES, "", ListQuery.labels("gantry.io/simulated=true,pool=blue")).items();
        assertThat(nodes).hasSize(20);
        ObjectNode node = admin.get(NODES, "", "sim-test-7");
        assertThat(condition(node, "Ready").path("status").asText()).isEqualTo("True");
        assertThat(condition(node, "Ready").path("reason").asText()).isEqualTo("KubeletReady");
        assertThat(condition(node, "MemoryPressure").path("status").asText()).isEqualTo("False");
        assertThat(node.at("/metadata/labels/kubernetes.io~1hostname").asText()).isEqualTo("sim-test-7");
        assertThat(node.at("/status/allocatable/pods").asText()).isEqualTo("110");
        assertThat(node.at("/status/capacity/memory").asText()).isEqualTo("16Gi");
        assertThat(node.at("/status/nodeInfo/kubeletVersion").asText()).isEqualTo("v1.32.0-gantry");
        assertThat(node.at("/status/nodeInfo/containerRuntimeVersion").asText()).isEqualTo("gantry-sim://0.1.0");
        assertThat(node.at("/status/addresses/0/type").asText()).isEqualTo("InternalIP");
        assertThat(node.at("/status/addresses/0/address").asText()).startsWith("10.128.");

        ObjectNode lease = admin.get(LEASES, "kube-node-lease", "sim-test-7");
        assertThat(lease.at("/spec/holderIdentity").asText()).isEqualTo("sim-test-7");
        assertThat(lease.at("/spec/leaseDurationSeconds").asInt()).isEqualTo(40);
        assertThat(lease.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo(node.at("/metadata/uid").asText());
        String renewed = lease.at("/spec/renewTime").asText();
        await().atMost(WAIT).until(() -> !admin.get(LEASES, "kube-node-lease", "sim-test-7")
                .at("/spec/renewTime").asText().equals(renewed));
        String heartbeat = condition(node, "Ready").path("lastHeartbeatTime").asText();
        await().atMost(WAIT).until(() -> !condition(admin.get(NODES, "", "sim-test-7"), "Ready")
                .path("lastHeartbeatTime").asText().equals(heartbeat));
    }

    private static void createBoundPod(String name, String node, String restartPolicy, Map<String, String> annotations) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata").put("name", name);
        ObjectNode ann = meta.putObject("annotations");
        annotations.forEach(ann::put);
        ObjectNode spec = pod.putObject("spec").put("restartPolicy", restartPolicy);
        spec.putArray("containers").addObject().put("name", "app").put("image", "nginx:1.27");
        admin.create(PODS, "default", pod);
        ObjectNode binding = Json.object().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", name);
        binding.putObject("target").put("kind", "Node").put("name", node);
        admin.post(PODS, "default", name, "binding", binding);
    }

    private static String phase(String name) {
        return admin.get(PODS, "default", name).at("/status/phase").asText();
    }

    @Test
    void boundPodRunsWithKubeletLikeStatus() {
        createBoundPod("web", "sim-test-3", "Always", Map.of());
        await().atMost(WAIT).until(() -> phase("web").equals("Running"));
        ObjectNode pod = admin.get(PODS, "default", "web");
        String uid = pod.at("/metadata/uid").asText();
        for (String type : new String[] {"PodScheduled", "Initialized", "ContainersReady", "Ready"}) {
            assertThat(condition(pod, type).path("status").asText()).as(type).isEqualTo("True");
        }
        JsonNode cs = pod.at("/status/containerStatuses/0");
        assertThat(cs.path("name").asText()).isEqualTo("app");
        assertThat(cs.path("image").asText()).isEqualTo("nginx:1.27");
        assertThat(cs.path("imageID").asText()).isEqualTo("sim://nginx:1.27");
        assertThat(cs.path("containerID").asText()).isEqualTo("sim://" + uid + "-app");
        assertThat(cs.path("ready").asBoolean()).isTrue();
        assertThat(cs.path("started").asBoolean()).isTrue();
        assertThat(cs.path("restartCount").asInt()).isZero();
        assertThat(cs.at("/state/running/startedAt").asText()).isNotEmpty();
        String nodeIp = admin.get(NODES, "", "sim-test-3").at("/status/addresses/0/address").asText();
        assertThat(pod.at("/status/hostIP").asText()).isEqualTo(nodeIp);
        assertThat(pod.at("/status/podIP").asText()).startsWith("10.");
        assertThat(pod.at("/status/startTime").asText()).isNotEmpty();
    }

    @Test
    void exitAfterWithRestartPolicyNeverEndsSucceededOrFailed() {
        createBoundPod("job-ok", "sim-test-4", "Never", Map.of("gantry.io/simulate-exit-after", "1s"));
        createBoundPod("job-bad", "sim-test-5", "Never", Map.of("gantry.io/simulate-exit-after", "1s",
                "gantry.io/simulate-exit-code", "1"));
        await().atMost(WAIT).until(() -> phase("job-ok").equals("Succeeded"));
        await().atMost(WAIT).until(() -> phase("job-bad").equals("Failed"));
        JsonNode ok = admin.get(PODS, "default", "job-ok").at("/status/containerStatuses/0/state/terminated");
        assertThat(ok.path("exitCode").asInt()).isZero();
        assertThat(ok.path("reason").asText()).isEqualTo("Completed");
        JsonNode bad = admin.get(PODS, "default", "job-bad").at("/status/containerStatuses/0/state/terminated");
        assertThat(bad.path("exitCode").asInt()).isEqualTo(1);
        assertThat(bad.path("reason").asText()).isEqualTo("Error");
    }

    @Test
    void exitAfterWithRestartPolicyAlwaysRestarts() {
        createBoundPod("looper", "sim-test-6", "Always", Map.of("gantry.io/simulate-exit-after", "500ms"));
        await().atMost(WAIT).until(() -> admin.get(PODS, "default", "looper")
                .at("/status/containerStatuses/0/restartCount").asInt() >= 2);
        JsonNode cs = admin.get(PODS, "default", "looper").at("/status/containerStatuses/0");
        assertThat(cs.at("/lastState/terminated/exitCode").asInt()).isZero();
        assertThat(phase("looper")).isEqualTo("Running");
    }

    @Test
    void deletedPodIsRemoved() {
        createBoundPod("doomed", "sim-test-8", "Always", Map.of());
        await().atMost(WAIT).until(() -> phase("doomed").equals("Running"));
        admin.delete(PODS, "default", "doomed", DeleteRequest.DEFAULT);
        await().atMost(WAIT).until(() -> admin.find(PODS, "default", "doomed").isEmpty());
    }

    @Test
    void podsOfOtherNodesAreLeftAlone() throws Exception {
        createBoundPod("elsewhere", "real-node-1", "Always", Map.of());
        Thread.sleep(500);
        assertThat(admin.get(PODS, "default", "elsewhere").at("/status/phase").asText()).isNotEqualTo("Running");
    }
}
