package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.Agent;
import io.gantry.agent.AgentConfig;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.join.JoinTokens;
import io.gantry.apiserver.ServerConfig;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.HttpApiClient;
import io.gantry.client.ListQuery;
import io.gantry.client.Tls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real node whose only engine is the {@code process} RuntimeClass, against an in-process API server: pods run
 * as host processes, finish, restart by policy, see their environment, and stop when deleted.
 */
class ProcessNodeTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();
    private static final ResourceType NODES = REGISTRY.byKind("v1", "Node").orElseThrow();
    private static final ResourceType CONFIG_MAPS = REGISTRY.byKind("v1", "ConfigMap").orElseThrow();
    private static final ResourceType EVENTS = REGISTRY.byKind("v1", "Event").orElseThrow();
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    static Path tmp;
    static ApiServer server;
    static ApiClient admin;
    static Agent.Joined joined;
    static NodeAgent node;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServer.start(ServerConfig.defaults(tmp.resolve("server")).withPort(0));
        String url = "https://127.0.0.1:" + server.port();
        admin = new HttpApiClient(url, Tls.trusting(server.credentials().caPem()), server.credentials().adminToken(),
                "test");
        joined = Agent.join(new AgentConfig(url, JoinTokens.withCaHash(server.credentials()), "proc-node",
                tmp.resolve("agent"), null));
        NodeAgentConfig config = NodeAgentConfig.defaults("proc-node", tmp.resolve("agent"))
                .withStateDir(tmp.resolve("run")).withDefaultHandler(ProcessEngine.HANDLER).withAgentPort(0);
        node = new NodeAgent(joined.client(), config,
                List.of(new ProcessEngine(tmp.resolve("agent/process"), "127.0.0.1")), joined.credentials().caPem(),
                Clock.systemUTC())
                .start(Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (joined != null) {
            joined.close();
        }
        admin.close();
        server.close();
    }

    private static ObjectNode pod(String name, String restartPolicy, String... command) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = pod.putObject("spec").put("nodeName", "proc-node").put("restartPolicy", restartPolicy)
                .put("terminationGracePeriodSeconds", 2);
        ObjectNode c = spec.putArray("containers").addObject().put("name", "main").put("image", "none");
        var cmd = c.putArray("command");
        for (String s : command) {
            cmd.add(s);
        }
        return pod;
    }

    private static JsonNode status(String name) {
        return admin.find(PODS, "default", name).map(p -> p.path("status")).orElse(Json.object());
    }

    @Test
    void theNodeRegistersWithTheHostsCapacity() {
        ObjectNode n = admin.get(NODES, "", "proc-node");
        assertThat(n.path("status").path("capacity").path("cpu").asText())
                .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(n.path("status").path("nodeInfo").path("containerRuntimeVersion").asText()).startsWith("process://");
        assertThat(n.path("status").path("conditions").toString()).contains("KubeletReady");
    }

    @Test
    void aFinishedCommandMakesThePodSucceedWithItsOutputLogged() {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "greeting").put("namespace", "default");
        cm.putObject("data").put("WORD", "hello");
        admin.create(CONFIG_MAPS, "default", cm);
        ObjectNode pod = pod("once", "Never", "sh", "-c", "echo $WORD from $POD_NAME");
        ObjectNode c = (ObjectNode) pod.path("spec").path("containers").get(0);
        c.putArray("envFrom").addObject().putObject("configMapRef").put("name", "greeting");
        c.putArray("env").addObject().put("name", "POD_NAME").putObject("valueFrom").putObject("fieldRef")
                .put("fieldPath", "metadata.name");
        admin.create(PODS, "default", pod);
        await().atMost(WAIT).until(() -> status("once").path("phase").asText().equals("Succeeded"));
        JsonNode cs = status("once").path("containerStatuses").get(0);
        assertThat(cs.path("state").path("terminated").path("exitCode").asInt()).isZero();
        assertThat(cs.path("state").path("terminated").path("reason").asText()).isEqualTo("Completed");
        assertThat(cs.path("containerID").asText()).startsWith("process://");
        String uid = admin.get(PODS, "default", "once").path("metadata").path("uid").asText();
        Path log = tmp.resolve("agent/logs/default_once_" + uid + "/main/0.log");
        await().atMost(WAIT).untilAsserted(() -> assertThat(Files.exists(log)
                ? io.gantry.runtime.logs.ContainerLogReader.readAll(log, io.gantry.runtime.logs.LogQuery.all()) : "")
                .isEqualTo("hello from once\n"));
    }

    @Test
    void aFailingCommandIsRestartedWithBackoffUnderOnFailure() {
        admin.create(PODS, "default", pod("flaky", "OnFailure", "sh", "-c", "exit 3"));
        await().atMost(WAIT).until(() -> status("flaky").path("containerStatuses").path(0).path("restartCount").asInt() >= 1);
        JsonNode cs = status("flaky").path("containerStatuses").get(0);
        assertThat(cs.path("lastState").path("terminated").path("exitCode").asInt()).isEqualTo(3);
        assertThat(status("flaky").path("phase").asText()).isEqualTo("Running");
        await().atMost(WAIT).until(() -> "CrashLoopBackOff".equals(status("flaky").path("containerStatuses").path(0)
                .path("state").path("waiting").path("reason").asText()));
        admin.delete(PODS, "default", "flaky", DeleteRequest.DEFAULT);
        await().atMost(WAIT).until(() -> admin.find(PODS, "default", "flaky").isEmpty());
    }

    @Test
    void aDeletedPodsProcessIsStoppedAndThePodRemoved() throws Exception {
        admin.create(PODS, "default", pod("server", "Always", "sleep", "300"));
        await().atMost(WAIT).until(() -> status("server").path("phase").asText().equals("Running"));
        JsonNode cs = status("server").path("containerStatuses").get(0);
        assertThat(cs.path("ready").asBoolean()).isTrue();
        assertThat(status("server").path("podIP").asText()).isEqualTo("127.0.0.1");
        String id = cs.path("containerID").asText().substring("process://".length());
        long pid = readState(id).path("pid").asLong();
        assertThat(ProcessHandle.of(pid)).isPresent();
        admin.delete(PODS, "default", "server", DeleteRequest.DEFAULT);
        await().atMost(WAIT).until(() -> admin.find(PODS, "default", "server").isEmpty());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(admin.list(EVENTS, "default", ListQuery.ALL).items().stream()
                .filter(e -> e.path("involvedObject").path("name").asText().equals("server"))
                .map(e -> e.path("reason").asText())).contains("Started", "Killing");
    }

    @Test
    void anEvictedPodIsFailedAndItsVolumesAndLogsLeaveTheDisk() throws Exception {
        ObjectNode pod = pod("hog", "Always", "sh", "-c", "echo started; exec sleep 300");
        ((ObjectNode) pod.path("spec")).putArray("volumes").addObject().put("name", "cache").putObject("emptyDir");
        admin.create(PODS, "default", pod);
        await().atMost(WAIT).until(() -> status("hog").path("phase").asText().equals("Running"));
        String uid = admin.get(PODS, "default", "hog").path("metadata").path("uid").asText();
        Path volumes = tmp.resolve("agent/pods/" + uid + "/volumes");
        Files.write(volumes.resolve("cache/filler"), new byte[1 << 20]);
        Path logs = tmp.resolve("agent/logs/default_hog_" + uid);
        await().atMost(WAIT).until(() -> Files.exists(logs.resolve("main/0.log")));
        String message = "The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 1Mi. ";

        node.evictor().evict(admin.get(PODS, "default", "hog"), message);

        JsonNode status = status("hog");
        assertThat(status.path("phase").asText()).isEqualTo("Failed");
        assertThat(status.path("reason").asText()).isEqualTo("Evicted");
        assertThat(status.path("message").asText()).isEqualTo(message);
        assertThat(volumes).as("the emptyDir is given back at once").doesNotExist();
        assertThat(logs).doesNotExist();
        assertThat(tmp.resolve("agent/pods/" + uid + "/state.json")).as("what the status is built from").exists();
        assertThat(events("hog")).contains("Evicted");
        // later syncs neither restart it nor change its status
        Thread.sleep(1500);
        assertThat(status("hog").path("phase").asText()).isEqualTo("Failed");
        assertThat(status("hog").path("containerStatuses").get(0).path("state").has("terminated")).isTrue();
        assertThat(volumes).doesNotExist();
    }

    @Test
    void aPodThatFinishedOnItsOwnBeforeItsEvictionKeepsItsPhase() throws Exception {
        admin.create(PODS, "default", pod("brief", "Never", "true"));
        await().atMost(WAIT).until(() -> status("brief").path("phase").asText().equals("Succeeded"));
        // the eviction manager may have listed the pod before it finished
        ObjectNode seen = admin.get(PODS, "default", "brief");
        ((ObjectNode) seen.path("status")).put("phase", "Running");

        node.evictor().evict(seen, "The node was low on resource: memory. Threshold quantity: 1Gi, available: 1Mi. ");

        assertThat(status("brief").path("phase").asText()).isEqualTo("Succeeded");
        assertThat(status("brief").has("reason")).isFalse();
        assertThat(events("brief")).doesNotContain("Evicted");
    }

    private static List<String> events(String pod) {
        return admin.list(EVENTS, "default", ListQuery.ALL).items().stream()
                .filter(e -> e.path("involvedObject").path("name").asText().equals(pod))
                .map(e -> e.path("reason").asText()).toList();
    }

    private static JsonNode readState(String id) throws Exception {
        return Json.MAPPER.readTree(tmp.resolve("agent/process/" + id + ".json").toFile());
    }

    @Test
    void anUnknownRuntimeClassIsReported() {
        ObjectNode pod = pod("odd", "Always", "true");
        ((ObjectNode) pod.path("spec")).put("runtimeClassName", "nope");
        admin.create(PODS, "default", pod);
        await().atMost(WAIT).until(() -> admin.list(EVENTS, "default", ListQuery.ALL).items().stream()
                .anyMatch(e -> e.path("involvedObject").path("name").asText().equals("odd")
                        && e.path("reason").asText().equals("FailedCreatePodSandBox")
                        && e.path("message").asText().contains("RuntimeClass \"nope\" not found")));
        Optional<ObjectNode> still = admin.find(PODS, "default", "odd");
        assertThat(still).isPresent();
    }
}
