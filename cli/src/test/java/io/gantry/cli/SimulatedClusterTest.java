package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real kubectl against {@code gantry up} plus an agent with 50 simulated nodes: the scheduler and the
 * controllers turn a Deployment into running pods and roll it out.
 */
class SimulatedClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static GantryProcess control;
    static GantryProcess agent;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        control = GantryProcess.start(tmp.resolve("control"), "up");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(Main.run("token", "--data-dir", control.dataDir().toString())).isZero();
        } finally {
            System.setOut(previous);
        }
        agent = GantryProcess.agent(tmp.resolve("agent"), control.url(), out.toString().trim(), "--simulate", "50",
                "--name", "sim");
        kubectl = Kubectl.forCluster(control, tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (control != null) {
            control.close();
        }
    }

    private static int count(String... args) throws Exception {
        String out = kubectl.run(args).requireSuccess().out().strip();
        return out.isEmpty() ? 0 : out.split("\n").length;
    }

    @Test
    void deploymentRunsScalesAndRollsOut() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("get", "nodes", "-l", "gantry.io/simulated=true", "-o", "name") == 50);
        assertThat(kubectl.run("get", "nodes").requireSuccess().out()).contains("sim-0", "Ready");

        kubectl.run("create", "deployment", "web", "--image=busybox:1.36", "--replicas=200").requireSuccess();
        kubectl.run("rollout", "status", "deployment/web", "--timeout=120s").requireSuccess();
        assertThat(count("get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o", "name"))
                .isEqualTo(200);
        JsonNode pods = JSON.readTree(kubectl.run("get", "pods", "-l", "app=web", "-o", "json").requireSuccess().out());
        for (JsonNode pod : pods.path("items")) {
            assertThat(pod.at("/spec/nodeName").asText()).startsWith("sim-");
        }

        kubectl.run("set", "image", "deployment/web", "busybox=busybox:1.37").requireSuccess();
        kubectl.run("rollout", "status", "deployment/web", "--timeout=120s").requireSuccess();
        String history = kubectl.run("rollout", "history", "deployment/web").requireSuccess().out();
        assertThat(history).contains("1 ", "2 ");
        kubectl.run("rollout", "undo", "deployment/web").requireSuccess();
        kubectl.run("rollout", "status", "deployment/web", "--timeout=120s").requireSuccess();
        JsonNode deployment = JSON.readTree(kubectl.run("get", "deployment", "web", "-o", "json").requireSuccess().out());
        assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox:1.36");

        kubectl.run("scale", "deployment/web", "--replicas=20").requireSuccess();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("get", "pods", "-l", "app=web", "-o", "name") == 20);

        String unschedulable = """
                apiVersion: v1
                kind: Pod
                metadata: {name: huge, namespace: default}
                spec:
                  containers:
                    - name: c
                      image: busybox:1.36
                      resources: {requests: {cpu: "1000"}}
                """;
        kubectl.runWithInput(unschedulable, "apply", "-f", "-").requireSuccess();
        await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("describe", "pod", "huge").out()
                .contains("0/50 nodes are available: 50 Insufficient cpu"));
    }

    @Test
    void daemonSetCoversEveryNodeAndStatefulSetStartsInOrder() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("get", "nodes", "-l", "gantry.io/simulated=true", "-o", "name") == 50);
        String daemonSet = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: logs, namespace: default}
                spec:
                  selector: {matchLabels: {app: logs}}
                  template:
                    metadata: {labels: {app: logs}}
                    spec:
                      containers: [{name: c, image: busybox:1.36}]
                """;
        kubectl.runWithInput(daemonSet, "apply", "-f", "-").requireSuccess();
        kubectl.run("rollout", "status", "daemonset/logs", "--timeout=120s").requireSuccess();
        JsonNode pods = JSON.readTree(kubectl.run("get", "pods", "-l", "app=logs", "-o", "json").requireSuccess().out());
        assertThat(pods.path("items")).hasSize(50);
        assertThat(pods.path("items").findValuesAsText("nodeName")).doesNotHaveDuplicates();

        String statefulSet = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: default}
                spec:
                  serviceName: db
                  replicas: 3
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      containers: [{name: c, image: busybox:1.36}]
                """;
        kubectl.runWithInput(statefulSet, "apply", "-f", "-").requireSuccess();
        kubectl.run("rollout", "status", "statefulset/db", "--timeout=120s").requireSuccess();
        JsonNode db = JSON.readTree(kubectl.run("get", "pods", "-l", "app=db", "-o", "json").requireSuccess().out());
        java.util.Map<String, String> created = new java.util.TreeMap<>();
        for (JsonNode pod : db.path("items")) {
            created.put(pod.at("/metadata/name").asText(), pod.at("/status/startTime").asText());
        }
        assertThat(created.keySet()).containsExactly("db-0", "db-1", "db-2");
        assertThat(created.get("db-0")).isLessThanOrEqualTo(created.get("db-1"));
        assertThat(created.get("db-1")).isLessThanOrEqualTo(created.get("db-2"));
    }

    @Test
    void jobCompletesWithBoundedParallelism() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("get", "nodes", "-l", "gantry.io/simulated=true", "-o", "name") == 50);
        String job = """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: batch, namespace: default}
                spec:
                  completions: 5
                  parallelism: 2
                  template:
                    metadata:
                      annotations: {gantry.io/simulate-exit-after: 1s}
                    spec:
                      restartPolicy: Never
                      containers: [{name: c, image: busybox:1.36}]
                """;
        kubectl.runWithInput(job, "apply", "-f", "-").requireSuccess();
        kubectl.run("wait", "--for=condition=complete", "job/batch", "--timeout=90s").requireSuccess();
        JsonNode done = JSON.readTree(kubectl.run("get", "job", "batch", "-o", "json").requireSuccess().out());
        assertThat(done.at("/status/succeeded").asInt()).isEqualTo(5);
        assertThat(count("get", "pods", "-l", "job-name=batch", "-o", "name")).isEqualTo(5);
    }
}
