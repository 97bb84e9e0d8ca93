package io.gantry.cli;

import static io.gantry.network.testing.HostCommands.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node cut off from the network (its host's link down): its pods are replaced on the other node within the grace
 * period plus the toleration, while the cut-off node goes on running the old copies, as nothing can tell it; when
 * the link comes back the old copies stop. A StatefulSet's pod is not replaced while its old copy may still run:
 * its identity never runs twice at once. Two real nodes, short settings, runc containers.
 */
class NodeCutOffTest {
    private static final Duration GRACE = Duration.ofSeconds(6);
    private static final Duration TOLERATION = Duration.ofSeconds(4);

    @TempDir
    Path tmp;

    @Test
    void podsOfACutOffNodeRunElsewhereAndTheOldCopiesStopWhenItReturns() throws Exception {
        try (TestCluster cluster = TestCluster.start(tmp, 2, List.of("--node-lease-duration-seconds", "4"),
                "--node-monitor-grace-period", GRACE.toSeconds() + "s",
                "--default-unreachable-toleration-seconds", String.valueOf(TOLERATION.toSeconds()),
                "--default-not-ready-toleration-seconds", String.valueOf(TOLERATION.toSeconds()))) {
            Kubectl kubectl = cluster.kubectl();
            // everything starts on n1
            kubectl.run("cordon", "n2").requireSuccess();
            Path manifest = tmp.resolve("apps.yaml");
            Files.writeString(manifest, SampleApps.web() + """
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: db}
                    spec:
                      clusterIP: None
                      selector: {app: db}
                      ports: [{port: 8080}]
                    ---
                    apiVersion: apps/v1
                    kind: StatefulSet
                    metadata: {name: db}
                    spec:
                      serviceName: db
                      replicas: 1
                      selector: {matchLabels: {app: db}}
                      template:
                        metadata: {labels: {app: db}}
                        spec:
                          terminationGracePeriodSeconds: 1
                          containers:
                          - {name: db, image: localhost/gantry-sample:1, imagePullPolicy: Never}
                    """);
            kubectl.run("apply", "-f", manifest.toString()).requireSuccess();
            kubectl.run("wait", "--for=condition=Available", "deployment/web", "--timeout=120s").requireSuccess();
            await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "pod", "db-0", "-o",
                    "jsonpath={.status.phase}").out().trim().equals("Running"));
            kubectl.run("uncordon", "n2").requireSuccess();
            Set<String> oldWebPods = Set.of(podsOf(kubectl, "app=web", "").split(" "));
            String oldDb = kubectl.run("get", "pod", "db-0", "-o", "jsonpath={.metadata.uid}").requireSuccess().out().trim();
            Set<String> oldContainers = cluster.runningContainers(1);
            assertThat(oldContainers).anyMatch(id -> id.startsWith(oldDb + "-db-"));

            // every quarter second: which copies of the StatefulSet's pod run, on either node
            ConcurrentLinkedQueue<String> twice = new ConcurrentLinkedQueue<>();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (sampling.get()) {
                    Set<String> dbCopies = new HashSet<>();
                    for (int node = 1; node <= 2; node++) {
                        for (String id : cluster.runningContainers(node)) {
                            int at = id.indexOf("-db-");
                            if (at > 0) {
                                dbCopies.add("n" + node + ":" + id.substring(0, at));
                            }
                        }
                    }
                    if (dbCopies.size() > 1) {
                        twice.add(java.time.Instant.now() + " " + dbCopies);
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            String link = cluster.hosts.bridge + "h1";
            try {
                ok("ip", "link", "set", link, "down");
                long cutAt = System.nanoTime();
                await().atMost(GRACE.plus(TOLERATION).plus(Duration.ofSeconds(40))).pollInterval(Duration.ofMillis(500))
                        .until(() -> readyOn(kubectl, "app=web", "n2") == 2);
                Duration replaced = Duration.ofNanos(System.nanoTime() - cutAt);
                System.out.println("the cut-off node's pods ran elsewhere after " + replaced.toMillis() + " ms");
                assertThat(kubectl.run("get", "node", "n1", "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.spec.taints[*].key}").out())
                        .contains("Unknown").contains("node.kubernetes.io/unreachable");
                // nothing could tell n1: its copies go on; the StatefulSet's pod waits for its old copy
                assertThat(cluster.runningContainers(1)).containsAll(oldContainers);
                assertThat(kubectl.run("get", "pod", "db-0", "-o",
                        "jsonpath={.metadata.uid} {.metadata.deletionTimestamp}").out().trim())
                        .startsWith(oldDb + " ").hasSizeGreaterThan(oldDb.length() + 1);
            } finally {
                ok("ip", "link", "set", link, "up");
                System.out.println(java.time.Instant.now() + " link up");
            }

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Set<String> running = cluster.runningContainers(1);
                running.retainAll(oldContainers);
                assertThat(running).as("the old copies on n1").isEmpty();
            });
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(kubectl.run("get", "pod", "db-0",
                    "-o", "jsonpath={.metadata.uid} {.status.phase}").out().trim())
                    .as("db-0 again: %s", kubectl.run("get", "pods,statefulsets", "-o", "wide").out())
                    .matches("[0-9a-f-]+ Running").doesNotStartWith(oldDb));
            await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("get", "node", "n1", "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.spec.taints[*].key}").out().trim()
                    .equals("True"));
            sampling.set(false);
            sampler.join();
            assertThat(twice).as("moments when two copies of db-0 ran; events: %s", kubectl.run("get", "events",
                    "-o", "custom-columns=T:.lastTimestamp,OBJ:.involvedObject.name,UID:.involvedObject.uid,"
                            + "REASON:.reason,MSG:.message").out()).isEmpty();
            List<String> webPods = List.of(podsOf(kubectl, "app=web", "").split(" "));
            assertThat(webPods).hasSize(2).doesNotContainAnyElementsOf(oldWebPods);
        }
    }

    /** The uids of the pods with {@code selector}, on {@code node} if given. */
    private static String podsOf(Kubectl kubectl, String selector, String node) throws Exception {
        List<String> args = new ArrayList<>(List.of("get", "pods", "-l", selector, "-o", "jsonpath={.items[*].metadata.uid}"));
        if (!node.isEmpty()) {
            args.add("--field-selector=spec.nodeName=" + node);
        }
        return kubectl.run(args.toArray(String[]::new)).requireSuccess().out().trim();
    }

    /** How many pods with {@code selector} on {@code node} are Ready. */
    private static int readyOn(Kubectl kubectl, String selector, String node) throws Exception {
        String ready = kubectl.run("get", "pods", "-l", selector, "--field-selector=spec.nodeName=" + node, "-o",
                "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}").out().trim();
        return ready.isEmpty() ? 0 : (int) java.util.Arrays.stream(ready.split(" ")).filter("True"::equals).count();
    }
}
