package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes that come and go, with the real kubectl against {@code gantry up} and two agents of simulated nodes: a
 * DaemonSet reaches a node that joins later, and when an agent dies its nodes turn NotReady and their pods are
 * evicted and recreated on the other agent's nodes. The control plane runs with short node-health settings
 * (grace period 6 s, default tolerations 5 s) and the agents renew their leases every second, so this takes
 * seconds instead of the default five minutes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeJoinAndFailureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> EARLY_NODES = List.of("early-0", "early-1");
    private static final List<String> LATE_NODES = List.of("late-0", "late-1");
    @TempDir
    static Path tmp;
    static GantryProcess control;
    static GantryProcess early;
    static GantryProcess late;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        control = GantryProcess.start(tmp.resolve("control"), "--node-monitor-grace-period", "6s",
                "--default-not-ready-toleration-seconds", "5", "--default-unreachable-toleration-seconds", "5");
        early = agent("early");
        kubectl = Kubectl.forCluster(control, tmp);
        awaitReady(EARLY_NODES);
    }

    @AfterAll
    static void stop() throws Exception {
        for (GantryProcess p : new GantryProcess[] {late, early, control}) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** An agent with two simulated nodes named {@code <name>-0} and {@code <name>-1}, renewing leases every second. */
    private static GantryProcess agent(String name) throws Exception {
        return GantryProcess.agent(tmp.resolve("agent-" + name), control.url(), control.joinToken(), "--simulate", "2",
                "--name", name, "--node-lease-duration-seconds", "4");
    }

    private static synchronized void startLateAgent() throws Exception {
        if (late == null) {
            late = agent("late");
        }
        awaitReady(LATE_NODES);
    }

    private static void awaitReady(List<String> nodes) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (String n : nodes) {
                if (!"True".equals(readyStatus(n))) {
                    return false;
                }
            }
            return true;
        });
    }

    private static JsonNode json(String... args) throws Exception {
        return JSON.readTree(kubectl.run(args).requireSuccess().out());
    }

    private static String readyStatus(String node) throws Exception {
        Kubectl.Result r = kubectl.run("get", "node", node, "-o", "json");
        if (r.exitCode() != 0) {
            return "";
        }
        for (JsonNode c : JSON.readTree(r.out()).at("/status/conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText();
            }
        }
        return "";
    }

    private static List<JsonNode> pods(String selector) throws Exception {
        List<JsonNode> pods = new ArrayList<>();
        json("get", "pods", "-l", selector, "-o", "json").path("items").forEach(pods::add);
        return pods;
    }

    private static boolean ready(JsonNode pod) {
        for (JsonNode c : pod.at("/status/conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    @Test
    @Order(1)
    void daemonSetGetsAPodOnANodeThatJoinsLater() throws Exception {
        String daemonSet = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: node-agent, namespace: default}
                spec:
                  selector: {matchLabels: {app: node-agent}}
                  template:
                    metadata: {labels: {app: node-agent}}
                    spec:
                      containers: [{name: c, image: busybox:1.36}]
                """;
        kubectl.runWithInput(daemonSet, "apply", "-f", "-").requireSuccess();
        kubectl.run("rollout", "status", "daemonset/node-agent", "--timeout=60s").requireSuccess();
        assertThat(pods("app=node-agent")).extracting(p -> p.at("/spec/nodeName").asText())
                .containsExactlyInAnyOrderElementsOf(EARLY_NODES);

        startLateAgent();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pods("app=node-agent"))
                .extracting(p -> p.at("/spec/nodeName").asText())
                .containsExactlyInAnyOrder("early-0", "early-1", "late-0", "late-1"));
        kubectl.run("rollout", "status", "daemonset/node-agent", "--timeout=60s").requireSuccess();
        JsonNode status = json("get", "daemonset", "node-agent", "-o", "json").path("status");
        assertThat(status.path("desiredNumberScheduled").asInt()).isEqualTo(4);
        assertThat(status.path("numberReady").asInt()).isEqualTo(4);
    }

    @Test
    @Order(2)
    void podsOfADeadAgentAreRecreatedOnOtherNodes() throws Exception {
        startLateAgent();
        // Place the Deployment on the early agent's nodes only: cordon the late ones while it rolls out.
        List<String> cordon = new ArrayList<>(List.of("cordon"));
        cordon.addAll(LATE_NODES);
        kubectl.run(cordon.toArray(String[]::new)).requireSuccess();
        kubectl.run("create", "deployment", "app", "--image=busybox:1.36", "--replicas=4").requireSuccess();
        kubectl.run("rollout", "status", "deployment/app", "--timeout=60s").requireSuccess();
        List<String> uncordon = new ArrayList<>(List.of("uncordon"));
        uncordon.addAll(LATE_NODES);
        kubectl.run(uncordon.toArray(String[]::new)).requireSuccess();
        List<JsonNode> before = pods("app=app");
        assertThat(before).hasSize(4).allSatisfy(p -> assertThat(p.at("/spec/nodeName").asText()).startsWith("early-"));
        Map<String, String> oldPods = new HashMap<>();
        before.forEach(p -> oldPods.put(p.at("/metadata/name").asText(), p.at("/metadata/uid").asText()));
        // The API server's settings are what the pods got.
        assertThat(before.getFirst().at("/spec/tolerations").findValuesAsText("tolerationSeconds"))
                .containsExactly("5", "5");

        early.kill();

        // The node lifecycle controller notices the missing heartbeats after the grace period.
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            for (String node : EARLY_NODES) {
                JsonNode n = json("get", "node", node, "-o", "json");
                assertThat(readyStatus(node)).as(node + " Ready").isEqualTo("Unknown");
                assertThat(n.at("/spec/taints")).as(node + " taints").anySatisfy(t -> {
                    assertThat(t.path("key").asText()).isEqualTo("node.kubernetes.io/unreachable");
                    assertThat(t.path("effect").asText()).isEqualTo("NoExecute");
                });
            }
        });
        assertThat(kubectl.run("get", "nodes").requireSuccess().out()).contains("NotReady");

        // Once their 5 s toleration has run out the pods are evicted and replaced on the late agent's nodes.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<JsonNode> live = pods("app=app").stream().filter(p -> p.at("/metadata/deletionTimestamp").isMissingNode())
                    .toList();
            assertThat(live).hasSize(4).allSatisfy(p -> {
                assertThat(p.at("/spec/nodeName").asText()).startsWith("late-");
                assertThat(ready(p)).as(p.at("/metadata/name").asText() + " ready").isTrue();
                assertThat(oldPods).doesNotContainValue(p.at("/metadata/uid").asText());
            });
        });
        kubectl.run("rollout", "status", "deployment/app", "--timeout=60s").requireSuccess();
        // The old pods were evicted: gone, or Terminating because their dead node will never confirm it.
        for (JsonNode p : pods("app=app")) {
            if (oldPods.containsKey(p.at("/metadata/name").asText())) {
                assertThat(p.at("/metadata/deletionTimestamp").asText()).as("old pod being deleted").isNotEmpty();
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> evicted = new ArrayList<>();
            for (JsonNode e : json("get", "events", "-o", "json").path("items")) {
                if (e.path("reason").asText().equals("TaintManagerEviction")) {
                    evicted.add(e.at("/involvedObject/name").asText());
                }
            }
            assertThat(evicted).containsAll(oldPods.keySet());
        });
        // DaemonSet pods tolerate unreachable nodes without limit: they stay.
        assertThat(pods("app=node-agent")).filteredOn(p -> p.at("/spec/nodeName").asText().startsWith("early-"))
                .allSatisfy(p -> assertThat(p.at("/metadata/deletionTimestamp").isMissingNode()).isTrue());
    }
}
