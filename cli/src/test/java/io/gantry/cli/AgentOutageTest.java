package io.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.gantry.network.testing.HostCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent SIGKILLed for 60 s: its containers keep running and answering, nothing is restarted, and once it is
 * back the node is Ready and the pods' status is what it was, on the same containers. One real node in a host of
 * its own; runs as root with runc and the CNI plugins.
 */
class AgentOutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void podsOutliveTheirAgentAndItsReturnChangesNothing() throws Exception {
        try (TestCluster cluster = TestCluster.start(tmp, 1)) {
            Kubectl kubectl = cluster.kubectl();
            Path manifest = tmp.resolve("web.yaml");
            Files.writeString(manifest, """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: web}
                    spec:
                      replicas: 2
                      selector: {matchLabels: {app: web}}
                      template:
                        metadata: {labels: {app: web}}
                        spec:
                          terminationGracePeriodSeconds: 1
                          containers:
                          - name: web
                            image: localhost/gantry-sample:1
                            imagePullPolicy: Never
                            livenessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 2}
                    """);
            kubectl.run("apply", "-f", manifest.toString()).requireSuccess();
            kubectl.run("wait", "--for=condition=Available", "deployment/web", "--timeout=120s").requireSuccess();
            String before = containers(kubectl);
            String containers = cluster.runc(1, "list", "-q");
            String[] podIps = kubectl.run("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}")
                    .requireSuccess().out().trim().split(" ");

            cluster.killAgent(1);
            long until = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < until) {
                // the pods go on answering at their addresses, asked from their host
                assertThat(cluster.runc(1, "list", "-q")).isEqualTo(containers);
                for (String ip : podIps) {
                    assertThat(HostCommands.run("ip", "netns", "exec", cluster.hosts.namespace(1), "busybox", "timeout",
                            "2", "busybox", "wget", "-q", "-O", "-", "http://" + ip + ":8080/").stdout())
                            .isEqualTo(SampleImage.PAGE);
                }
                Thread.sleep(5000);
            }
            cluster.restartAgent(1);

            await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "node", "n1", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").out().trim().equals("True"));
            await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("get", "pods", "-l", "app=web", "-o",
                    "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}").out().trim()
                    .equals("True True"));
            assertThat(containers(kubectl)).as("the same containers, none restarted").isEqualTo(before);
            assertThat(cluster.runc(1, "list", "-q")).isEqualTo(containers);
            assertThat(kubectl.run("get", "pods", "-l", "app=web", "-o", "name").out().trim().split("\n")).hasSize(2);
        }
    }

    /** Each web pod's name, container id and restart count. */
    private static String containers(Kubectl kubectl) throws Exception {
        return kubectl.run("get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.metadata.name} "
                + "{.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}{\"\\n\"}{end}")
                .requireSuccess().out();
    }
}
