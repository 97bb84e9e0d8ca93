package io.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl cordon}, {@code uncordon} and {@code drain} on a cluster of two real nodes: a PodDisruptionBudget
 * holds a drain back while it would take the Deployment below its budget, and lets it through, one pod at a
 * time, once there is room; a pod without a controller stops a drain without {@code --force}. Runs as root with
 * runc and the CNI plugins.
 */
class DrainTest {
    private static final String WEB = SampleApps.web() + """
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web-pdb}
            spec:
              minAvailable: 2
              selector: {matchLabels: {app: web}}
            """;
    private static final String BARE = """
            apiVersion: v1
            kind: Pod
            metadata: {name: bare}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: localhost/gantry-sample:1
                imagePullPolicy: Never
            """;

    @TempDir
    Path tmp;

    @Test
    void aDrainWaitsForTheDisruptionBudgetAndStopsAtPodsWithoutController() throws Exception {
        try (TestCluster cluster = TestCluster.start(tmp, 2)) {
            Kubectl kubectl = cluster.kubectl();
            kubectl.run("wait", "--for=condition=Ready", "node/n1", "node/n2", "--timeout=60s").requireSuccess();

            // a cordoned node takes no new pods; the bare pod goes to n2
            kubectl.run("cordon", "n1").requireSuccess();
            assertThat(field(kubectl, "node", "n1", "{.spec.unschedulable}")).isEqualTo("true");
            apply(kubectl, "bare.yaml", BARE);
            kubectl.run("wait", "--for=condition=Ready", "pod/bare", "--timeout=60s").requireSuccess();
            assertThat(field(kubectl, "pod", "bare", "{.spec.nodeName}")).isEqualTo("n2");
            kubectl.run("uncordon", "n1").requireSuccess();
            assertThat(field(kubectl, "node", "n1", "{.spec.unschedulable}")).isEmpty();

            // with n2 cordoned the Deployment's two pods land on the uncordoned n1
            kubectl.run("cordon", "n2").requireSuccess();
            apply(kubectl, "web.yaml", WEB);
            kubectl.run("wait", "--for=condition=Available", "deployment/web", "--timeout=90s").requireSuccess();
            assertThat(webPods(kubectl)).extracting(WebPod::node).containsExactly("n1", "n1");
            kubectl.run("uncordon", "n2").requireSuccess();
            await().atMost(Duration.ofSeconds(20)).until(() -> field(kubectl, "pdb", "web-pdb",
                    "{.status.currentHealthy}/{.status.desiredHealthy}/{.status.disruptionsAllowed}").equals("2/2/0"));
            assertThat(kubectl.run("get", "pdb", "web-pdb").requireSuccess().out())
                    .containsPattern("NAME\\s+MIN AVAILABLE\\s+MAX UNAVAILABLE\\s+ALLOWED DISRUPTIONS\\s+AGE")
                    .containsPattern("web-pdb\\s+2\\s+N/A\\s+0\\s+");

            // no pod of n1 may go: the drain gives up, both pods still run there
            Kubectl.Result refused = kubectl.run("drain", "n1", "--ignore-daemonsets", "--delete-emptydir-data",
                    "--timeout=20s");
            assertThat(refused.exitCode()).as(refused.out() + refused.err()).isNotZero();
            assertThat(refused.out() + refused.err()).contains("disruption budget");
            assertThat(webPods(kubectl)).allSatisfy(p -> {
                assertThat(p.node()).isEqualTo("n1");
                assertThat(p.serving()).isTrue();
            });

            // a third replica (on n2, n1 is cordoned by the drain) makes room for one disruption at a time
            kubectl.run("scale", "deployment/web", "--replicas=3").requireSuccess();
            kubectl.run("wait", "--for=condition=Available", "deployment/web", "--timeout=60s").requireSuccess();
            await().atMost(Duration.ofSeconds(20)).until(() -> field(kubectl, "pdb", "web-pdb",
                    "{.status.disruptionsAllowed}").equals("1"));
            BudgetWatch watch = BudgetWatch.start(kubectl);
            Kubectl.Result drained;
            try {
                drained = kubectl.runWithin(Duration.ofSeconds(150), "drain", "n1", "--ignore-daemonsets",
                        "--delete-emptydir-data", "--timeout=120s");
            } finally {
                watch.stop();
            }
            assertThat(drained.exitCode()).as(drained.out() + drained.err()).isZero();
            assertThat(drained.out()).contains("node/n1 drained");
            assertThat(watch.fewest()).as("serving web pods while draining, as seen %d times", watch.samples())
                    .isGreaterThanOrEqualTo(2);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(webPods(kubectl))
                    .hasSize(3).allSatisfy(p -> {
                        assertThat(p.node()).isEqualTo("n2");
                        assertThat(p.serving()).isTrue();
                    }));

            // the bare pod has nothing that would bring it back: without --force, n2 is not drained
            Kubectl.Result bare = kubectl.run("drain", "n2", "--ignore-daemonsets", "--delete-emptydir-data",
                    "--timeout=10s");
            assertThat(bare.exitCode()).isNotZero();
            assertThat(bare.out() + bare.err()).contains("declare no controller").contains("--force")
                    .contains("default/bare");
            assertThat(field(kubectl, "pod", "bare", "{.status.phase}")).isEqualTo("Running");
            assertThat(webPods(kubectl)).hasSize(3).allSatisfy(p -> assertThat(p.serving()).isTrue());
        }
    }

    private void apply(Kubectl kubectl, String file, String manifest) throws Exception {
        Path path = tmp.resolve(file);
        Files.writeString(path, manifest);
        kubectl.run("apply", "-f", path.toString()).requireSuccess();
    }

    private static String field(Kubectl kubectl, String kind, String name, String jsonPath) throws Exception {
        return kubectl.run("get", kind, name, "-o", "jsonpath=" + jsonPath).requireSuccess().out().trim();
    }

    /** A pod of the Deployment: where it runs and whether it serves (Ready and not being deleted). */
    record WebPod(String name, String node, boolean serving) {
    }

    private static List<WebPod> webPods(Kubectl kubectl) throws Exception {
        String out = kubectl.run("get", "pods", "-l", "app=web", "--sort-by=.metadata.name", "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} "
                        + "{.status.conditions[?(@.type==\"Ready\")].status}/{.metadata.deletionTimestamp}{\"\\n\"}{end}")
                .requireSuccess().out();
        List<WebPod> pods = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.trim().split(" ");
                pods.add(new WebPod(parts[0], parts[1], parts.length > 2 && parts[2].equals("True/")));
            }
        }
        return pods;
    }

    /** Counts the serving web pods over and over on a thread of its own, remembering the fewest it saw. */
    private static final class BudgetWatch {
        private final AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicInteger samples = new AtomicInteger();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean running = true;
        private Thread thread;

        static BudgetWatch start(Kubectl kubectl) {
            BudgetWatch watch = new BudgetWatch();
            watch.thread = Thread.ofVirtual().start(() -> {
                while (watch.running) {
                    try {
                        int serving = (int) webPods(kubectl).stream().filter(WebPod::serving).count();
                        watch.fewest.accumulateAndGet(serving, Math::min);
                        watch.samples.incrementAndGet();
                    } catch (Exception e) {
                        watch.failure.set(e);
                        return;
                    }
                }
            });
            return watch;
        }

        void stop() throws Exception {
            running = false;
            thread.join(Duration.ofSeconds(30));
            if (failure.get() != null) {
                throw failure.get();
            }
        }

        int fewest() {
            return fewest.get();
        }

        int samples() {
            return samples.get();
        }
    }
}
