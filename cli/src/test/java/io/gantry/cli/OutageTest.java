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
 * An agent, or the control plane, SIGKILLed for 60 s: the pods keep running and answering, nothing is restarted
 * that did not fail on its own, and once the lost part is back the node is Ready and the pods' status is true, on
 * the same containers. One real node in a host of its own; runs as root with runc and the CNI plugins.
 */
class OutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final String WEB = SampleApps.web(
            "livenessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 2}");

    @TempDir
    Path tmp;

    @Test
    void podsOutliveTheirAgentAndItsReturnChangesNothing() throws Exception {
        try (TestCluster cluster = TestCluster.start(tmp, 1)) {
            Kubectl kubectl = cluster.kubectl();
            Path manifest = tmp.resolve("web.yaml");
            Files.writeString(manifest, WEB);
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

    @Test
    void podsOutliveTheControlPlaneRestartLocallyAndReportTrulyWhenItIsBack() throws Exception {
        try (TestCluster cluster = TestCluster.start(tmp, 1)) {
            Kubectl kubectl = cluster.kubectl();
            Path manifest = tmp.resolve("web.yaml");
            Files.writeString(manifest, WEB + """
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: crasher}
                    spec:
                      containers:
                      - name: crash
                        image: localhost/gantry-sample:1
                        imagePullPolicy: Never
                        command: [sh, -c, "sleep 3; exit 1"]
                    """);
            kubectl.run("apply", "-f", manifest.toString()).requireSuccess();
            kubectl.run("wait", "--for=condition=Available", "deployment/web", "--timeout=120s").requireSuccess();
            String before = containers(kubectl);
            String uid = kubectl.run("get", "pod", "crasher", "-o", "jsonpath={.metadata.uid}").requireSuccess()
                    .out().trim();
            String[] podIps = kubectl.run("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}")
                    .requireSuccess().out().trim().split(" ");
            java.util.Set<String> webContainers = cluster.runningContainers(1);
            webContainers.removeIf(id -> id.startsWith(uid));

            int attemptBefore = lastAttempt(java.util.Arrays.stream(cluster.runc(1, "list", "-q").split("\n"))
                    .filter(id -> id.startsWith(uid)).toList());
            cluster.killServer();
            java.util.Set<String> crasherRuns = new java.util.TreeSet<>();
            long until = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < until) {
                java.util.Set<String> running = cluster.runningContainers(1);
                assertThat(running).containsAll(webContainers);
                running.stream().filter(id -> id.startsWith(uid)).forEach(crasherRuns::add);
                for (String ip : podIps) {
                    assertThat(HostCommands.run("ip", "netns", "exec", cluster.hosts.namespace(1), "busybox", "timeout",
                            "2", "busybox", "wget", "-q", "-O", "-", "http://" + ip + ":8080/").stdout())
                            .isEqualTo(SampleImage.PAGE);
                }
                Thread.sleep(1000);
            }
            // the crashing container went on being restarted by its node alone, with its back-off
            int lastRun = lastAttempt(crasherRuns);
            assertThat(lastRun).as("the crasher's last run during the outage").isGreaterThan(attemptBefore);
            cluster.restartServer();

            await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "node", "n1", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").out().trim().equals("True"));
            await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("get", "pods", "-l", "app=web", "-o",
                    "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}").out().trim()
                    .equals("True True"));
            assertThat(containers(kubectl)).as("the same web containers, none restarted").isEqualTo(before);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Integer.parseInt(kubectl.run("get",
                    "pod", "crasher", "-o", "jsonpath={.status.containerStatuses[0].restartCount}").out().trim()))
                    .as("restarts reported once the control plane is back").isGreaterThanOrEqualTo(lastRun - 1));
            assertThat(kubectl.run("get", "pods", "-o", "name").out().trim().split("\n")).hasSize(3);
        }
    }

    /** The highest attempt among container ids {@code <pod uid>-<container>-<attempt>}. */
    private static int lastAttempt(java.util.Collection<String> ids) {
        return ids.stream().mapToInt(id -> Integer.parseInt(id.trim().substring(id.trim().lastIndexOf('-') + 1)))
                .max().orElse(0);
    }
}
