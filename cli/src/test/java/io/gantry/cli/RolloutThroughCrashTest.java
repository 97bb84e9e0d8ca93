package io.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane SIGKILLed in the middle of a 500-pod rolling update and started again on its data: the rollout
 * completes with the desired count, every pod on the new template, the old ReplicaSet at zero, and nothing that
 * was there before the kill is lost. The pods run on simulated nodes: what is tested is the control plane's state
 * and its controllers picking up where they stopped, not the containers.
 */
class RolloutThroughCrashTest {
    private static final int REPLICAS = 500;

    @TempDir
    Path tmp;

    @Test
    void aRolloutInterruptedByKill9CompletesWithNothingLost() throws Exception {
        Path data = tmp.resolve("server");
        GantryProcess server = GantryProcess.start(data);
        int port = server.port();
        GantryProcess agent = null;
        try {
            agent = GantryProcess.agent(tmp.resolve("agent"), server.url(), server.joinToken(), "--simulate", "10",
                    "--sim-pods", "200");
            Kubectl kubectl = Kubectl.forCluster(server, tmp);
            for (int i = 0; i < 40; i++) {
                kubectl.run("create", "configmap", "settings-" + i, "--from-literal=index=" + i).requireSuccess();
            }
            Path manifest = tmp.resolve("web.yaml");
            Files.writeString(manifest, """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: web}
                    spec:
                      replicas: %d
                      selector: {matchLabels: {app: web}}
                      strategy: {rollingUpdate: {maxSurge: 25%%, maxUnavailable: 25%%}}
                      template:
                        metadata: {labels: {app: web}}
                        spec:
                          containers:
                          - {name: web, image: "registry.invalid/web:1"}
                    """.formatted(REPLICAS));
            kubectl.run("apply", "-f", manifest.toString()).requireSuccess();
            kubectl.runWithin(Duration.ofMinutes(4), "rollout", "status", "deployment/web", "--timeout=200s")
                    .requireSuccess();
            Map<String, String> before = everything(kubectl);

            kubectl.run("set", "image", "deployment/web", "web=registry.invalid/web:2").requireSuccess();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                    number(kubectl.run("get", "deployment", "web", "-o", "jsonpath={.status.updatedReplicas}").out())
                            >= REPLICAS / 4);
            String atKill = kubectl.run("get", "deployment", "web", "-o",
                    "jsonpath={.status.updatedReplicas} updated, {.status.availableReplicas} available").out();
            server.kill();
            System.out.println("control plane killed with " + atKill);
            server = GantryProcess.start(data, port);

            kubectl.runWithin(Duration.ofMinutes(5), "rollout", "status", "deployment/web", "--timeout=280s")
                    .requireSuccess();
            assertThat(kubectl.run("get", "deployment", "web", "-o", "jsonpath={.status.replicas} "
                    + "{.status.updatedReplicas} {.status.readyReplicas} {.status.availableReplicas}").out().trim())
                    .isEqualTo(REPLICAS + " " + REPLICAS + " " + REPLICAS + " " + REPLICAS);
            // the surplus of the surge goes too: exactly the desired count, all of the new template, running
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(kubectl.run("get", "pods", "-l",
                    "app=web", "-o", "jsonpath={range .items[*]}{.spec.containers[0].image} {.status.phase}{\"\\n\"}{end}")
                    .out().trim().split("\n")).hasSize(REPLICAS).containsOnly("registry.invalid/web:2 Running"));
            assertThat(kubectl.run("get", "replicasets", "-l", "app=web", "-o",
                    "jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.status.replicas} {end}")
                    .out().trim().split(" ")).containsExactlyInAnyOrder("registry.invalid/web:1=0",
                    "registry.invalid/web:2=" + REPLICAS);
            Map<String, String> after = everything(kubectl);
            for (Map.Entry<String, String> object : before.entrySet()) {
                if (!object.getKey().startsWith("pod/") && !object.getKey().startsWith("replicaset/")) {
                    assertThat(after).as("kept through the kill").containsKey(object.getKey());
                    assertThat(after.get(object.getKey())).as(object.getKey() + "'s uid").isEqualTo(object.getValue());
                }
            }
            assertThat(kubectl.run("get", "configmap", "settings-39", "-o", "jsonpath={.data.index}").out())
                    .isEqualTo("39");
        } finally {
            if (agent != null) {
                agent.close();
            }
            server.close();
        }
    }

    /** Every object of the kinds the rollout touches and the ones beside it, by kind/name, with its uid. */
    private static Map<String, String> everything(Kubectl kubectl) throws Exception {
        String out = kubectl.run("get", "deployments,replicasets,configmaps,nodes,pods", "-o",
                "jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.uid}{\"\\n\"}{end}").requireSuccess().out();
        return Arrays.stream(out.trim().split("\n")).map(line -> line.split("=", 2))
                .collect(Collectors.toMap(p -> p[0].toLowerCase(java.util.Locale.ROOT), p -> p[1], (a, b) -> a,
                        TreeMap::new));
    }

    private static int number(String text) {
        return text.isBlank() ? 0 : Integer.parseInt(text.trim());
    }
}
