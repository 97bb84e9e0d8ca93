package io.gantry.agent.node;

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
import io.gantry.client.PatchKind;
import io.gantry.client.Tls;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.TestImages;
import io.gantry.images.testing.TestRegistry;
import io.gantry.network.PodNetworkConfig;
import io.gantry.network.services.ServiceProxier;
import io.gantry.network.testing.IptablesTraces;
import io.gantry.runtime.logs.ContainerLogReader;
import io.gantry.runtime.logs.LogQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real node running pods as runc containers from images in a real registry on 127.0.0.1, with CNI bridge
 * networking, against an in-process API server. Cleans up the bridge, namespaces, mounts and cgroups it made.
 */
class OciNodeTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();
    private static final ResourceType NODES = REGISTRY.byKind("v1", "Node").orElseThrow();
    private static final ResourceType CONFIG_MAPS = REGISTRY.byKind("v1", "ConfigMap").orElseThrow();
    private static final ResourceType SECRETS = REGISTRY.byKind("v1", "Secret").orElseThrow();
    private static final ResourceType EVENTS = REGISTRY.byKind("v1", "Event").orElseThrow();
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final String NODE = "oci-node";

    static Path tmp;
    static ApiServer server;
    static ApiClient admin;
    static Agent.Joined joined;
    static NodeAgent node;
    static TestRegistry registry;
    static TestRegistry privateRegistry;
    static String bridge;
    static String subnet;
    static String image;
    static String privateImage;
    static NodeAgentConfig config;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("/usr/sbin/runc", "/usr/lib/cni/bridge", "/bin/busybox")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new IllegalStateException(tool + " is missing: install runc, containernetworking-plugins and "
                        + "busybox-static (scripts/install-host-deps.sh test)");
            }
        }
        tmp = Files.createTempDirectory("oci-node");
        registry = TestRegistry.start();
        privateRegistry = TestRegistry.startWithBasicAuth("puller", "pa55word");
        try (RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            image = registry.reference("tools/busybox:1").toString();
            TestImages.busybox().push(client, registry.reference("tools/busybox:1"), RegistryCredentials.none());
            privateImage = privateRegistry.reference("secret/busybox:1").toString();
            TestImages.busybox().push(client, privateRegistry.reference("secret/busybox:1"),
                    RegistryCredentials.of(privateRegistry.host(), "puller", "pa55word"));
        }
        server = ApiServer.start(ServerConfig.defaults(tmp.resolve("server")).withPort(0));
        String url = "https://127.0.0.1:" + server.port();
        admin = new HttpApiClient(url, Tls.trusting(server.credentials().caPem()), server.credentials().adminToken(),
                "test");
        joined = Agent.join(new AgentConfig(url, JoinTokens.withCaHash(server.credentials()), NODE,
                tmp.resolve("agent"), null));
        bridge = "gt" + Long.toHexString(ThreadLocalRandom.current().nextLong()).substring(0, 8);
        subnet = "10.251." + ThreadLocalRandom.current().nextInt(100, 250) + ".0/24";
        config = NodeAgentConfig.defaults(NODE, tmp.resolve("agent")).withStateDir(tmp.resolve("run"))
                .withBridgeName(bridge).withAgentPort(0);
        // the control plane's IPAM controller is not running here: the test hands out the podCIDR
        Thread cidr = Thread.ofVirtual().start(() -> await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                admin.patch(NODES, "", NODE, "", PatchKind.MERGE, Json.MAPPER.readTree(
                        "{\"spec\":{\"podCIDR\":\"" + subnet + "\",\"podCIDRs\":[\"" + subnet + "\"]}}"))));
        node = new NodeAgent(joined.client(), config, NodeEngines.forHost(config, "127.0.0.1"),
                joined.credentials().caPem(), Clock.systemUTC())
                .start(Duration.ofSeconds(30));
        cidr.join();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (admin != null) {
                for (JsonNode pod : admin.list(PODS, "", ListQuery.ALL).items()) {
                    admin.delete(PODS, pod.path("metadata").path("namespace").asText(),
                            pod.path("metadata").path("name").asText(), DeleteRequest.DEFAULT);
                }
                await().atMost(WAIT).until(() -> admin.list(PODS, "", ListQuery.ALL).items().isEmpty());
            }
        } finally {
            if (node != null) {
                node.close();
            }
            if (joined != null) {
                joined.close();
            }
            if (admin != null) {
                admin.close();
            }
            if (server != null) {
                server.close();
            }
            if (registry != null) {
                registry.close();
            }
            if (privateRegistry != null) {
                privateRegistry.close();
            }
            run("ip", "link", "del", bridge);
            // the node's masquerading outlives the agent, as its pods do
            PodNetworkConfig nodeNetwork = PodNetworkConfig.builder(subnet).bridgeName(bridge).build();
            IptablesTraces.remove(List.of(nodeNetwork.masqueradeChain(), nodeNetwork.forwardChain(),
                    nodeNetwork.policyChain()));
            new ServiceProxier(subnet).removeAll();
            new io.gantry.network.services.NftServiceProxier(subnet).removeAll();
            run("umount", "-l", tmp.resolve("run/ns").toString());
            run("rm", "-rf", tmp.toString());
            // the pods' parent cgroup, when no other node of this host uses it
            run("sh", "-c", "rmdir /sys/fs/cgroup/*/gantry 2>/dev/null; true");
        }
        assertThat(run("iptables-save")).doesNotContain(subnet);
        assertThat(run("ip", "link", "show")).doesNotContain(bridge);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static ObjectNode pod(String name, String yamlSpec) throws IOException {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = (ObjectNode) Json.YAML.readTree(yamlSpec.replace("IMAGE", image));
        spec.put("nodeName", NODE);
        if (!spec.has("terminationGracePeriodSeconds")) {
            spec.put("terminationGracePeriodSeconds", 1);
        }
        pod.set("spec", spec);
        return pod;
    }

    private static JsonNode status(String name) {
        return admin.find(PODS, "default", name).map(p -> p.path("status")).orElse(Json.object());
    }

    private static String phase(String name) {
        return status(name).path("phase").asText();
    }

    /** What kubectl logs would show: the container's CRI log without timestamps. */
    private static String logOf(String pod, String container) throws IOException {
        String uid = admin.get(PODS, "default", pod).path("metadata").path("uid").asText();
        Path cri = tmp.resolve("agent/logs/default_" + pod + "_" + uid + "/" + container + "/0.log");
        return Files.exists(cri) ? ContainerLogReader.readAll(cri, LogQuery.all()) : "";
    }

    private static List<String> events(String pod) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : admin.list(EVENTS, "default", ListQuery.ALL).items()) {
            if (e.path("involvedObject").path("name").asText().equals(pod)) {
                out.add(e.path("reason").asText() + ": " + e.path("message").asText());
            }
        }
        return out;
    }

    @Test
    void twoContainersOfAPodTalkOverLocalhost() throws Exception {
        admin.create(PODS, "default", pod("pair", """
                restartPolicy: Never
                containers:
                - name: server
                  image: IMAGE
                  command: [sh, -c, "mkdir -p /www && echo hello-from-server > /www/index.html && httpd -f -p 8080 -h /www"]
                - name: client
                  image: IMAGE
                  command: [sh, -c, "for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://127.0.0.1:8080/ && exit 0; sleep 0.3; done; exit 1"]
                """));
        await().atMost(WAIT).untilAsserted(() -> assertThat(status("pair").path("containerStatuses").findValues("terminated")
                .stream().anyMatch(t -> t.path("exitCode").asInt() == 0)).isTrue());
        await().atMost(WAIT).untilAsserted(() -> assertThat(logOf("pair", "client")).contains("hello-from-server"));
        JsonNode st = status("pair");
        assertThat(st.path("podIP").asText()).startsWith(subnet.substring(0, subnet.lastIndexOf('.')));
        assertThat(st.path("containerStatuses").get(0).path("imageID").asText()).contains("@sha256:");
    }

    @Test
    void initContainersRunInOrderAndConfigurationArrives() throws Exception {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "app-config").put("namespace", "default");
        cm.putObject("data").put("greeting", "hi-there");
        admin.create(CONFIG_MAPS, "default", cm);
        ObjectNode secret = Json.object().put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", "app-secret").put("namespace", "default");
        secret.putObject("data").put("token", Base64.getEncoder().encodeToString("t0ken".getBytes(StandardCharsets.UTF_8)));
        admin.create(SECRETS, "default", secret);
        admin.create(PODS, "default", pod("ordered", """
                restartPolicy: Never
                volumes:
                - {name: work, emptyDir: {}}
                - {name: config, configMap: {name: app-config}}
                - {name: secret, secret: {secretName: app-secret}}
                initContainers:
                - {name: first, image: IMAGE, command: [sh, -c, "echo one >> /work/order"], volumeMounts: [{name: work, mountPath: /work}]}
                - {name: second, image: IMAGE, command: [sh, -c, "echo two >> /work/order"], volumeMounts: [{name: work, mountPath: /work}]}
                containers:
                - name: main
                  image: IMAGE
                  command: [sh, -c, "cat /work/order; cat /config/greeting; echo; cat /secret/token; echo; echo env=$GREETING"]
                  env: [{name: GREETING, valueFrom: {configMapKeyRef: {name: app-config, key: greeting}}}]
                  volumeMounts:
                  - {name: work, mountPath: /work}
                  - {name: config, mountPath: /config, readOnly: true}
                  - {name: secret, mountPath: /secret, readOnly: true}
                """));
        await().atMost(WAIT).until(() -> phase("ordered").equals("Succeeded"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(logOf("ordered", "main"))
                .isEqualTo("one\ntwo\nhi-there\nt0ken\nenv=hi-there\n"));
        assertThat(status("ordered").path("initContainerStatuses").findValues("reason").stream().map(JsonNode::asText))
                .containsOnly("Completed");
    }

    @Test
    void aContainerOverItsMemoryLimitIsReportedOomKilledAndItsCpuQuotaIsInItsCgroup() throws Exception {
        admin.create(PODS, "default", pod("limited", """
                restartPolicy: Never
                containers:
                - name: hog
                  image: IMAGE
                  command: [sh, -c, "sleep 2; x=$(head -c 100000000 /dev/zero | tr '\\\\0' a); echo survived"]
                  resources: {limits: {memory: 16Mi, cpu: 250m}}
                """));
        await().atMost(WAIT).until(() -> status("limited").path("containerStatuses").path(0).path("state").has("running"));
        String uid = admin.get(PODS, "default", "limited").path("metadata").path("uid").asText();
        String id = status("limited").path("containerStatuses").get(0).path("containerID").asText().replace("runc://", "");
        Path quota = Path.of("/sys/fs/cgroup/cpu/gantry/pod" + uid + "/" + id + "/cpu.cfs_quota_us");
        assertThat(Files.readString(quota).trim()).isEqualTo("25000");
        await().atMost(WAIT).until(() -> phase("limited").equals("Failed"));
        JsonNode terminated = status("limited").path("containerStatuses").get(0).path("state").path("terminated");
        assertThat(terminated.path("reason").asText()).isEqualTo("OOMKilled");
        assertThat(terminated.path("exitCode").asInt()).isEqualTo(137);
    }

    @Test
    void probesDecideReadinessAndRestartAContainerThatFailsItsLivenessProbe() throws Exception {
        admin.create(PODS, "default", pod("probed", """
                containers:
                - name: web
                  image: IMAGE
                  command: [sh, -c, "mkdir -p /www && echo ok > /www/index.html && (httpd -f -p 8080 -h /www &) && exec sleep 3600"]
                  ports: [{name: http, containerPort: 8080}]
                  readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1, failureThreshold: 1}
                  livenessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1, failureThreshold: 2}
                  startupProbe: {tcpSocket: {port: 8080}, periodSeconds: 1, failureThreshold: 30}
                """));
        await().atMost(WAIT).untilAsserted(() -> assertThat(status("probed").path("containerStatuses").path(0)
                .path("started").asBoolean()).as("%s %s", status("probed"), events("probed")).isTrue());
        JsonNode web = status("probed").path("containerStatuses").get(0);
        assertThat(web.path("state").has("running")).isTrue();
        assertThat(web.path("ready").asBoolean()).as("readiness has not passed").isFalse();
        assertThat(condition("probed", "Ready")).isEqualTo("False");
        // the readiness probe runs up to a period after the start: it fails once before the file comes
        await().atMost(WAIT).until(() -> events("probed").contains(
                "Unhealthy: Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory"));

        String id = web.path("containerID").asText().replace("runc://", "");
        run("runc", "--root", tmp.resolve("run/runc").toString(), "exec", id, "touch", "/tmp/ready");
        await().atMost(WAIT).until(() -> condition("probed", "Ready").equals("True"));
        assertThat(status("probed").path("containerStatuses").get(0).path("ready").asBoolean()).isTrue();

        // the page goes: the liveness probe's GET gets 404
        String killed = run("runc", "--root", tmp.resolve("run/runc").toString(), "exec", id, "rm", "/www/index.html");
        await().atMost(WAIT).untilAsserted(() -> assertThat(status("probed").path("containerStatuses").get(0)
                .path("restartCount").asInt()).as("%s %s %s", killed, status("probed"), events("probed")).isEqualTo(1));
        assertThat(events("probed")).contains("Unhealthy: Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory")
                .contains("Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404")
                .contains("Killing: Container web failed liveness probe, will be restarted");
        // the new instance starts over: not ready until its own readiness probe passes
        await().atMost(WAIT).until(() -> status("probed").path("containerStatuses").get(0).path("state").has("running"));
        assertThat(condition("probed", "Ready")).isEqualTo("False");
        admin.delete(PODS, "default", "probed", DeleteRequest.DEFAULT);
    }

    @Test
    void grpcProbesAskTheHealthServiceInThePodAndRestartItWhenItStopsServing() throws Exception {
        // A gRPC health server in the container: this JVM's own JDK, glibc and classes, bind-mounted read-only
        // from the host into the busybox image, so no image from a registry outside is needed.
        Path javaHome = Path.of(System.getProperty("java.home"));
        List<String> classPath = new ArrayList<>();
        StringBuilder volumes = new StringBuilder();
        StringBuilder mounts = new StringBuilder();
        List<Path> hostPaths = new ArrayList<>(List.of(javaHome, Path.of("/usr/lib/x86_64-linux-gnu"),
                Path.of("/usr/lib64")));
        List<String> inContainer = new ArrayList<>(List.of(javaHome.toString(), "/lib/x86_64-linux-gnu", "/lib64"));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.contains("jetty") || entry.contains("slf4j") || entry.endsWith("agent/target/classes")
                    || entry.endsWith("agent/target/test-classes")) {
                classPath.add(entry);
                hostPaths.add(Path.of(entry));
                inContainer.add(entry);
            }
        }
        for (int i = 0; i < hostPaths.size(); i++) {
            String type = Files.isDirectory(hostPaths.get(i)) ? "Directory" : "File";
            volumes.append("- {name: host").append(i).append(", hostPath: {path: '").append(hostPaths.get(i))
                    .append("', type: ").append(type).append("}}\n");
            mounts.append("  - {name: host").append(i).append(", mountPath: '").append(inContainer.get(i))
                    .append("', readOnly: true}\n");
        }
        admin.create(PODS, "default", pod("grpc", """
                volumes:
                VOLUMES
                containers:
                - name: grpc
                  image: IMAGE
                  command: [JAVA, -XX:-UsePerfData, -XX:+UseSerialGC, -Xmx64m, -cp, 'CLASSPATH',
                            io.gantry.agent.node.GrpcHealthServer, '9555', /tmp/not-serving]
                  volumeMounts:
                MOUNTS
                  startupProbe: {grpc: {port: 9555}, periodSeconds: 1, failureThreshold: 60}
                  livenessProbe: {grpc: {port: 9555}, periodSeconds: 1, timeoutSeconds: 5, failureThreshold: 3}
                  readinessProbe: {grpc: {port: 9555, service: nothing-here}, periodSeconds: 1, failureThreshold: 1}
                """.replace("VOLUMES\n", volumes.toString()).replace("MOUNTS\n", mounts.toString())
                .replace("JAVA", javaHome.resolve("bin/java").toString())
                .replace("CLASSPATH", String.join(":", classPath))));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status("grpc").path("containerStatuses")
                .path(0).path("started").asBoolean()).as("%s %s %s", status("grpc"), events("grpc"),
                logOf("grpc", "grpc")).isTrue());
        // the readiness probe asks for a service the server does not know: NOT_FOUND, never ready
        await().atMost(WAIT).until(() -> events("grpc").contains("Unhealthy: Readiness probe failed: error: health "
                + "rpc probe failed: rpc error: code = NotFound desc = unknown service"));
        assertThat(condition("grpc", "Ready")).isEqualTo("False");
        assertThat(status("grpc").path("containerStatuses").get(0).path("restartCount").asInt()).isZero();

        String id = status("grpc").path("containerStatuses").get(0).path("containerID").asText().replace("runc://", "");
        run("runc", "--root", tmp.resolve("run/runc").toString(), "exec", id, "touch", "/tmp/not-serving");
        await().atMost(WAIT).untilAsserted(() -> assertThat(status("grpc").path("containerStatuses").get(0)
                .path("restartCount").asInt()).as("%s %s", status("grpc"), events("grpc")).isEqualTo(1));
        assertThat(events("grpc"))
                .contains("Unhealthy: Liveness probe failed: service unhealthy (responded with \"NOT_SERVING\")")
                .contains("Killing: Container grpc failed liveness probe, will be restarted");
        admin.delete(PODS, "default", "grpc", DeleteRequest.DEFAULT);
    }

    @Test
    void aContainerFailingInALoopWaitsInCrashLoopBackOffForLongerEachTime() throws Exception {
        admin.create(PODS, "default", pod("looping", """
                containers:
                - name: crash
                  image: IMAGE
                  command: [sh, -c, "sleep 1; exit 3"]
                """));
        java.util.Map<Integer, java.time.Instant> started = new java.util.TreeMap<>();
        java.util.Map<Integer, java.time.Instant> endedBefore = new java.util.TreeMap<>();
        java.util.Set<String> waitingReasons = new java.util.TreeSet<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode c = status("looping").path("containerStatuses").path(0);
            int restarts = c.path("restartCount").asInt();
            if (c.path("state").has("running")) {
                started.putIfAbsent(restarts, java.time.Instant.parse(c.path("state").path("running").path("startedAt")
                        .asText()));
            }
            waitingReasons.add(c.path("state").path("waiting").path("reason").asText(""));
            JsonNode last = c.path("lastState").path("terminated");
            if (!last.isMissingNode()) {
                assertThat(last.path("exitCode").asInt()).isEqualTo(3);
                assertThat(last.path("reason").asText()).isEqualTo("Error");
                endedBefore.putIfAbsent(restarts, java.time.Instant.parse(last.path("finishedAt").asText()));
            }
            return started.containsKey(3) && endedBefore.containsKey(3);
        });
        // each restart waits longer than the one before: at once, then 10 s, then 20 s (kubelet's back-off)
        long second = Duration.between(endedBefore.get(2), started.get(2)).toSeconds();
        long third = Duration.between(endedBefore.get(3), started.get(3)).toSeconds();
        assertThat(second).as("the wait before the second restart").isBetween(8L, 13L);
        assertThat(third).as("the wait before the third restart").isBetween(18L, 24L);
        assertThat(waitingReasons).contains("CrashLoopBackOff");
        assertThat(events("looping")).anyMatch(e -> e.startsWith("BackOff: Back-off restarting failed container crash"));
        admin.delete(PODS, "default", "looping", DeleteRequest.DEFAULT);
    }

    private static String condition(String pod, String type) {
        for (JsonNode c : status(pod).path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c.path("status").asText();
            }
        }
        return "";
    }

    @Test
    void aMissingImageGivesErrImagePullThenImagePullBackOffWithTheRegistrysReason() throws Exception {
        admin.create(PODS, "default", pod("missing", """
                containers:
                - {name: app, image: IMAGE-nope, imagePullPolicy: Always}
                """.replace("IMAGE-nope", registry.reference("tools/nothing:1").toString())));
        await().atMost(WAIT).until(() -> "ErrImagePull".equals(status("missing").path("containerStatuses").path(0)
                .path("state").path("waiting").path("reason").asText()));
        assertThat(status("missing").path("containerStatuses").get(0).path("state").path("waiting").path("message")
                .asText()).contains("MANIFEST_UNKNOWN");
        await().atMost(WAIT).until(() -> "ImagePullBackOff".equals(status("missing").path("containerStatuses").path(0)
                .path("state").path("waiting").path("reason").asText()));
        assertThat(events("missing")).anyMatch(e -> e.startsWith("Failed: Failed to pull image"));
    }

    @Test
    void aPrivateRegistryWorksThroughImagePullSecrets() throws Exception {
        String auth = Base64.getEncoder().encodeToString("puller:pa55word".getBytes(StandardCharsets.UTF_8));
        String dockerConfig = "{\"auths\":{\"" + privateRegistry.host() + "\":{\"auth\":\"" + auth + "\"}}}";
        ObjectNode secret = Json.object().put("apiVersion", "v1").put("kind", "Secret")
                .put("type", "kubernetes.io/dockerconfigjson");
        secret.putObject("metadata").put("name", "pull").put("namespace", "default");
        secret.putObject("data").put(".dockerconfigjson", Base64.getEncoder().encodeToString(
                dockerConfig.getBytes(StandardCharsets.UTF_8)));
        admin.create(SECRETS, "default", secret);
        admin.create(PODS, "default", pod("private", """
                restartPolicy: Never
                imagePullSecrets: [{name: pull}]
                containers:
                - {name: app, image: PRIVATE, command: [sh, -c, "echo pulled-privately"]}
                """.replace("PRIVATE", privateImage)));
        await().atMost(WAIT).until(() -> phase("private").equals("Succeeded"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(logOf("private", "app")).isEqualTo("pulled-privately\n"));
        admin.create(PODS, "default", pod("no-secret", """
                containers:
                - {name: app, image: PRIVATE, command: [sh, -c, "echo nope"], imagePullPolicy: Always}
                """.replace("PRIVATE", privateImage)));
        await().atMost(WAIT).until(() -> "ErrImagePull".equals(status("no-secret").path("containerStatuses").path(0)
                .path("state").path("waiting").path("reason").asText()));
    }

    @Test
    void fivePodsOfOneImagePullItOnceAndADeletedPodLeavesNothingOnTheHost() throws Exception {
        String one = registry.reference("tools/shared:1").toString();
        try (RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            // busybox plus a layer of its own, so that this image has blobs the node does not have yet
            io.gantry.images.build.ImageBuilder.create()
                    .layer(io.gantry.images.build.BusyboxUserland.layer(io.gantry.images.build.BusyboxUserland.HOST_BUSYBOX)
                            .build(io.gantry.images.oci.Compression.GZIP))
                    .layer(io.gantry.images.build.LayerBuilder.create().file("shared.txt", "shared")
                            .build(io.gantry.images.oci.Compression.GZIP))
                    .build().push(client, registry.reference("tools/shared:1"), RegistryCredentials.none());
        }
        int before = registry.requests().size();
        for (int i = 0; i < 5; i++) {
            admin.create(PODS, "default", pod("same-" + i, """
                    containers:
                    - {name: app, image: SHARED, command: [sleep, "300"]}
                    """.replace("SHARED", one)));
        }
        for (int i = 0; i < 5; i++) {
            String name = "same-" + i;
            await().atMost(WAIT).until(() -> status(name).path("containerStatuses").path(0).path("ready").asBoolean());
        }
        // one pull for five pods: the manifest fetched once, each new blob (config, own layer) once
        var requests = registry.requests().subList(before, registry.requests().size()).stream()
                .filter(r -> r.method().equals("GET") && r.path().startsWith("/v2/tools/shared/")).toList();
        assertThat(requests.stream().filter(r -> r.path().contains("/manifests/"))).hasSize(1);
        assertThat(requests.stream().filter(r -> r.path().contains("/blobs/")).map(r -> r.path()))
                .hasSize(2).doesNotHaveDuplicates();

        ObjectNode pod = admin.get(PODS, "default", "same-0");
        String uid = pod.path("metadata").path("uid").asText();
        String ip = pod.path("status").path("podIP").asText();
        String id = pod.path("status").path("containerStatuses").get(0).path("containerID").asText().replace("runc://", "");
        assertThat(Files.exists(tmp.resolve("run/ns/" + uid + "/net"))).isTrue();
        admin.delete(PODS, "default", "same-0", DeleteRequest.DEFAULT);
        await().atMost(WAIT).until(() -> admin.find(PODS, "default", "same-0").isEmpty());
        assertThat(uid).isNotEmpty();
        assertThat(id).isNotEmpty();
        assertThat(run("cat", "/proc/self/mountinfo")).doesNotContain(uid).doesNotContain(id);
        assertThat(Path.of("/sys/fs/cgroup/memory/gantry/pod" + uid)).doesNotExist();
        assertThat(Path.of("/sys/fs/cgroup/cpu/gantry/pod" + uid)).doesNotExist();
        assertThat(tmp.resolve("run/ns/" + uid)).doesNotExist();
        assertThat(run("iptables-save")).doesNotContain(ip + "/");
        try (var ipam = Files.list(tmp.resolve("agent/cni/ipam"))) {
            assertThat(ipam.flatMap(d -> {
                try {
                    return Files.isDirectory(d) ? Files.list(d) : java.util.stream.Stream.of(d);
                } catch (IOException e) {
                    return java.util.stream.Stream.empty();
                }
            }).map(p -> p.getFileName().toString())).doesNotContain(ip);
        }
        assertThat(events("same-0")).anyMatch(e -> e.startsWith("Killing:"));
    }

    /** GET of a pods/log URL through the API server, as kubectl sends it; returns status and body. */
    private static java.net.http.HttpResponse<String> podLog(String pod, String query) throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .sslContext(Tls.trusting(server.credentials().caPem())).build()) {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:"
                            + server.port() + "/api/v1/namespaces/default/pods/" + pod + "/log" + query))
                    .header("Authorization", "Bearer " + server.credentials().adminToken())
                    .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void logsAreServedThroughTheApiServerWithTheKubeletsOptions() throws Exception {
        admin.create(PODS, "default", pod("talker", """
                containers:
                - {name: a, image: IMAGE, command: [sh, -c, "echo a1; echo a-err >&2; sleep 300"]}
                - {name: b, image: IMAGE, command: [sleep, "300"]}
                """));
        admin.create(PODS, "default", pod("counter", """
                restartPolicy: Never
                containers:
                - {name: c, image: IMAGE, command: [sh, -c, "sleep 1; for i in 1 2 3; do echo n$i; sleep 0.5; done"]}
                """));
        admin.create(PODS, "default", pod("crasher", """
                containers:
                - {name: c, image: IMAGE, command: [sh, -c, "echo run; exit 1"]}
                """));
        await().atMost(WAIT).until(() -> podLog("talker", "?container=a").body().equals("a1\na-err\n"));
        var missing = podLog("talker", "");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("a container name must be specified for pod talker, choose one of: [a, b]");
        assertThat(podLog("talker", "?container=nope").body()).contains("container nope is not valid for pod talker");
        assertThat(podLog("talker", "?container=a&tailLines=1").body()).isEqualTo("a-err\n");
        assertThat(podLog("talker", "?container=a&timestamps=true").body())
                .matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+ a1\n\\S+ a-err\n");

        // follow streams while the container runs and ends with it
        await().atMost(WAIT).until(() -> status("counter").path("containerStatuses").path(0).path("state").has("running"));
        var followed = podLog("counter", "?follow=true");
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).isEqualTo("n1\nn2\nn3\n");

        await().atMost(WAIT).until(() -> status("crasher").path("containerStatuses").path(0).path("restartCount").asInt() >= 1);
        assertThat(podLog("crasher", "?previous=true").body()).isEqualTo("run\n");
    }

    @Test
    void aSecondDeletionWithAShorterGracePeriodEndsTheWaitSooner() throws Exception {
        admin.create(PODS, "default", pod("stubborn", """
                terminationGracePeriodSeconds: 60
                containers:
                - {name: c, image: IMAGE, command: [sh, -c, "trap '' TERM; while true; do sleep 1; done"]}
                """));
        await().atMost(WAIT).until(() -> status("stubborn").path("containerStatuses").path(0).path("ready").asBoolean());
        admin.delete(PODS, "default", "stubborn", DeleteRequest.DEFAULT);
        Thread.sleep(1500);
        assertThat(admin.find(PODS, "default", "stubborn")).isPresent();
        long start = System.nanoTime();
        admin.delete(PODS, "default", "stubborn", new DeleteRequest(1L, null, null));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.find(PODS, "default", "stubborn").isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aChangedConfigMapReachesTheRunningPodsVolume() throws Exception {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "live").put("namespace", "default");
        cm.putObject("data").put("mode", "first");
        admin.create(CONFIG_MAPS, "default", cm);
        admin.create(PODS, "default", pod("reader", """
                volumes: [{name: conf, configMap: {name: live}}]
                containers:
                - name: c
                  image: IMAGE
                  command: [sh, -c, "while true; do cat /conf/mode; echo; sleep 1; done"]
                  volumeMounts: [{name: conf, mountPath: /conf}]
                """));
        await().atMost(WAIT).untilAsserted(() -> assertThat(logOf("reader", "c")).contains("first\n"));
        admin.patch(CONFIG_MAPS, "default", "live", "", PatchKind.MERGE,
                Json.MAPPER.readTree("{\"data\":{\"mode\":\"second\"}}"));
        // the kubelet's sync period brings it within about a minute; here within a resync (10 s)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logOf("reader", "c")).contains("second\n"));
    }

    @Test
    void postStartRunsBeforeTheContainerIsUsedAndPreStopBeforeItIsStopped() throws Exception {
        Path marks = Files.createDirectories(tmp.resolve("marks"));
        admin.create(PODS, "default", pod("hooked", """
                volumes:
                - {name: work, emptyDir: {}}
                - {name: marks, hostPath: {path: MARKS, type: Directory}}
                containers:
                - name: c
                  image: IMAGE
                  command: [sh, -c, "sleep 2; cat /work/started; sleep 300"]
                  volumeMounts: [{name: work, mountPath: /work}, {name: marks, mountPath: /marks}]
                  lifecycle:
                    postStart: {exec: {command: [sh, -c, "echo started-by-hook > /work/started"]}}
                    preStop: {exec: {command: [sh, -c, "echo stopped-by-hook > /marks/prestop"]}}
                """.replace("MARKS", marks.toString())));
        await().atMost(WAIT).untilAsserted(() -> assertThat(logOf("hooked", "c")).isEqualTo("started-by-hook\n"));
        admin.delete(PODS, "default", "hooked", DeleteRequest.DEFAULT);
        await().atMost(WAIT).until(() -> admin.find(PODS, "default", "hooked").isEmpty());
        assertThat(Files.readString(marks.resolve("prestop"))).isEqualTo("stopped-by-hook\n");
    }

    @Test
    void containersOfAPodThatSharesItsProcessNamespaceSeeEachOther() throws Exception {
        admin.create(PODS, "default", pod("shared-pid", """
                shareProcessNamespace: true
                containers:
                - {name: sleeper, image: IMAGE, command: [sleep, "4242"]}
                - {name: looker, image: IMAGE, command: [sh, -c, "sleep 2; ps; sleep 300"]}
                """));
        await().atMost(WAIT).untilAsserted(() -> assertThat(logOf("shared-pid", "looker")).contains("sleep 4242"));
        // PID 1 is the pod's own holder, not one of its containers
        assertThat(logOf("shared-pid", "looker")).containsPattern("(?m)^\\s*1 .*sleep infinity");
        String uid = admin.get(PODS, "default", "shared-pid").path("metadata").path("uid").asText();
        admin.delete(PODS, "default", "shared-pid", DeleteRequest.DEFAULT);
        await().atMost(WAIT).until(() -> admin.find(PODS, "default", "shared-pid").isEmpty());
        assertThat(run("ps", "-eo", "args")).doesNotContain("sleep 4242")
                .doesNotContain("unshare --pid --fork --kill-child sleep infinity");
        assertThat(tmp.resolve("agent/pods/" + uid)).doesNotExist();
    }
}
