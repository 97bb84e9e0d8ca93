package io.gantry.cli;

import static io.gantry.network.testing.HostCommands.ok;
import static io.gantry.network.testing.HostCommands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real disk pressure on a file system the test owns: the node's data directory is a 64 MiB tmpfs with the threshold
 * {@code nodefs.available<24Mi}; once three pods run, a file fills it. The node reports DiskPressure and is tainted,
 * evicts its pods one per monitoring interval (BestEffort, then the Burstable pod, then the Guaranteed one), a new
 * pod is not scheduled there; once the file is gone the condition and the taint go after the transition period,
 * and the new pod runs. One real node in a host of its own; runs as root with runc and the CNI plugins.
 */
class NodePressureTest {
    private static final long MI = 1024 * 1024;
    private static final String TAINT = "node.kubernetes.io/disk-pressure";

    @TempDir
    Path tmp;

    /** What a test does with its cluster, whose one node keeps its data in {@code agentDir}. */
    private interface Scenario {
        void run(TestCluster cluster, Path agentDir) throws Exception;
    }

    @Test
    void diskPressureTaintsTheNodeAndEvictsPodsInTheKubeletsOrder() throws Exception {
        onSmallDisk("nodefs.available<24Mi", this::underPressure);
    }

    /**
     * One pod writing into its emptyDir is what fills the disk: the usual single-disk layout, where the image store
     * shares the data directory's file system and imagefs pressure weighs what pods keep there (not just their
     * writable layers, where a bystander holds more). That pod alone is evicted, its emptyDir goes with it, and the
     * pressure ends without any other eviction.
     */
    @Test
    void aPodFillingItsEmptyDirIsTheOnlyOneEvictedAndItsSpaceComesBack() throws Exception {
        onSmallDisk("imagefs.available<24Mi", this::emptyDirFills);
    }

    /** A cluster whose node keeps its data on a 64 MiB tmpfs, with one hard threshold. */
    private void onSmallDisk(String threshold, Scenario scenario) throws Exception {
        Path agentDir = Files.createDirectories(tmp.resolve("agent1"));
        ok("mount", "-t", "tmpfs", "-o", "size=64m", "gantry-pressure-test", agentDir.toString());
        try {
            try (TestCluster cluster = TestCluster.start(tmp, 1, List.of("--eviction-hard", threshold,
                    "--eviction-pressure-transition-period", "6s", "--eviction-monitoring-interval", "2s"))) {
                scenario.run(cluster, agentDir);
            }
        } finally {
            // the cluster's clean-up unmounts whatever is below the test's directory; this is for when it never ran
            if (Files.readString(Path.of("/proc/self/mounts")).contains(" " + agentDir + " ")) {
                run("umount", "-l", agentDir.toString());
            }
        }
    }

    private void underPressure(TestCluster cluster, Path agentDir) throws Exception {
        Kubectl kubectl = cluster.kubectl();
        Path manifest = tmp.resolve("pods.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata: {name: best-effort}
                spec:
                  terminationGracePeriodSeconds: 30
                  containers:
                  - name: c
                    image: localhost/gantry-sample:1
                    imagePullPolicy: Never
                    command: [sh, -c, "dd if=/dev/zero of=/ballast bs=1024 count=1024 && exec sleep 3600"]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: burstable}
                spec:
                  terminationGracePeriodSeconds: 30
                  containers:
                  - name: c
                    image: localhost/gantry-sample:1
                    imagePullPolicy: Never
                    command: [sleep, "3600"]
                    resources: {requests: {memory: 16Mi, ephemeral-storage: 8Mi}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: guaranteed}
                spec:
                  terminationGracePeriodSeconds: 30
                  containers:
                  - name: c
                    image: localhost/gantry-sample:1
                    imagePullPolicy: Never
                    command: [sleep, "3600"]
                    resources:
                      requests: {cpu: 100m, memory: 32Mi, ephemeral-storage: 16Mi}
                      limits: {cpu: 100m, memory: 32Mi, ephemeral-storage: 16Mi}
                """);
        kubectl.run("apply", "-f", manifest.toString()).requireSuccess();
        kubectl.run("wait", "--for=condition=Ready", "pod/best-effort", "pod/burstable", "pod/guaranteed",
                "--timeout=90s").requireSuccess();
        assertThat(condition(node(kubectl), "DiskPressure").path("status").asText()).isEqualTo("False");
        assertThat(taints(kubectl)).doesNotContain(TAINT);

        // leave about 12 MiB free: half the threshold, and more than the evictions give back
        Path fill = agentDir.resolve("fill");
        long toWrite = Files.getFileStore(agentDir).getUsableSpace() - 12 * MI;
        Instant filled = Instant.now().minusSeconds(1);
        write(fill, toWrite);

        await().atMost(Duration.ofSeconds(20)).until(() -> "True".equals(
                condition(node(kubectl), "DiskPressure").path("status").asText()));
        JsonNode pressure = condition(node(kubectl), "DiskPressure");
        assertThat(pressure.path("reason").asText()).isEqualTo("KubeletHasDiskPressure");
        assertThat(pressure.path("message").asText()).isEqualTo("kubelet has disk pressure");
        assertThat(Instant.parse(pressure.path("lastTransitionTime").asText())).isAfterOrEqualTo(
                filled.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        await().atMost(Duration.ofSeconds(20)).until(() -> taints(kubectl).contains(TAINT));

        await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "pods", "-o",
                "jsonpath={.items[*].status.phase}").out().trim().equals("Failed Failed Failed"));
        Instant[] evictedAt = new Instant[3];
        String[] order = {"best-effort", "burstable", "guaranteed"};
        for (int i = 0; i < order.length; i++) {
            JsonNode pod = Json.MAPPER.readTree(kubectl.run("get", "pod", order[i], "-o", "json").requireSuccess().out());
            JsonNode status = pod.path("status");
            assertThat(status.path("phase").asText()).as(order[i]).isEqualTo("Failed");
            assertThat(status.path("reason").asText()).as(order[i]).isEqualTo("Evicted");
            assertThat(status.path("message").asText()).as(order[i]).matches("The node was low on resource: "
                    + "ephemeral-storage\\. Threshold quantity: 24Mi, available: \\d+(Ki|Mi)?\\. ");
            JsonNode disruption = condition(pod, "DisruptionTarget");
            assertThat(disruption.path("status").asText()).isEqualTo("True");
            assertThat(disruption.path("reason").asText()).isEqualTo("TerminationByKubelet");
            assertThat(status.path("containerStatuses").get(0).path("state").path("terminated").path("exitCode")
                    .asInt()).as(order[i] + " was killed without grace").isEqualTo(137);
            evictedAt[i] = Instant.parse(disruption.path("lastTransitionTime").asText());
            String events = kubectl.run("get", "events", "--field-selector", "involvedObject.name=" + order[i], "-o",
                    "jsonpath={range .items[*]}{.type} {.reason}: {.message}{\"\\n\"}{end}").requireSuccess().out();
            assertThat(events).contains("Warning Evicted: " + status.path("message").asText().strip());
        }
        assertThat(evictedAt[0]).as("BestEffort before Burstable").isBefore(evictedAt[1]);
        assertThat(evictedAt[1]).as("Burstable before Guaranteed").isBefore(evictedAt[2]);
        assertThat(cluster.runc(1, "list", "-q").strip()).as("no container left running").isEmpty();
        // the condition held all along: it changed once
        assertThat(condition(node(kubectl), "DiskPressure").path("lastTransitionTime"))
                .isEqualTo(pressure.path("lastTransitionTime"));

        Files.writeString(tmp.resolve("newcomer.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: newcomer}
                spec:
                  containers:
                  - {name: c, image: localhost/gantry-sample:1, imagePullPolicy: Never}
                """);
        kubectl.run("apply", "-f", tmp.resolve("newcomer.yaml").toString()).requireSuccess();
        await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("get", "pod", "newcomer", "-o",
                "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].message}").out()
                .contains("untolerated taint {" + TAINT + ": }"));
        assertThat(kubectl.run("get", "events", "--field-selector", "involvedObject.name=newcomer", "-o",
                "jsonpath={.items[*].reason}").out()).contains("FailedScheduling");
        // a pod that names the node itself passes no scheduler: the node refuses it, as the kubelet's admission
        Files.writeString(tmp.resolve("pinned.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: pinned}
                spec:
                  nodeName: n1
                  containers:
                  - {name: c, image: localhost/gantry-sample:1, imagePullPolicy: Never}
                """);
        kubectl.run("apply", "-f", tmp.resolve("pinned.yaml").toString()).requireSuccess();
        await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("get", "pod", "pinned", "-o",
                "jsonpath={.status.phase} {.status.reason}").out().trim().equals("Failed Evicted"));
        assertThat(kubectl.run("get", "pod", "pinned", "-o", "jsonpath={.status.message}").out())
                .isEqualTo("Pod was rejected: The node had condition: [DiskPressure]. ");
        assertThat(kubectl.run("get", "pod", "pinned", "-o", "jsonpath={.status.containerStatuses}").out()).isEmpty();

        Instant relieved = Instant.now();
        Files.delete(fill);
        await().atMost(Duration.ofSeconds(30)).until(() -> "False".equals(
                condition(node(kubectl), "DiskPressure").path("status").asText()));
        // the 6 s run from when the pressure was last seen, at most one 2 s monitoring interval before the file went
        assertThat(Duration.between(relieved, Instant.now())).as("not before the transition period")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        assertThat(condition(node(kubectl), "DiskPressure").path("reason").asText()).isEqualTo("KubeletHasNoDiskPressure");
        await().atMost(Duration.ofSeconds(20)).until(() -> !taints(kubectl).contains(TAINT));
        kubectl.run("wait", "--for=condition=Ready", "pod/newcomer", "--timeout=60s").requireSuccess();
        assertThat(kubectl.run("get", "pod", "newcomer", "-o", "jsonpath={.spec.nodeName}").out().trim())
                .isEqualTo("n1");
    }

    private void emptyDirFills(TestCluster cluster, Path agentDir) throws Exception {
        Kubectl kubectl = cluster.kubectl();
        Path bystanders = tmp.resolve("bystanders.yaml");
        Files.writeString(bystanders, """
                apiVersion: v1
                kind: Pod
                metadata: {name: layered}
                spec:
                  containers:
                  - name: c
                    image: localhost/gantry-sample:1
                    imagePullPolicy: Never
                    command: [sh, -c, "dd if=/dev/zero of=/ballast bs=1024 count=1024 && exec sleep 3600"]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: quiet}
                spec:
                  containers:
                  - name: c
                    image: localhost/gantry-sample:1
                    imagePullPolicy: Never
                    command: [sleep, "3600"]
                """);
        kubectl.run("apply", "-f", bystanders.toString()).requireSuccess();
        kubectl.run("wait", "--for=condition=Ready", "pod/layered", "pod/quiet", "--timeout=90s").requireSuccess();

        // the writer leaves about 12 MiB free: half the threshold
        long mebibytes = Files.getFileStore(agentDir).getUsableSpace() / MI - 12;
        Path writer = tmp.resolve("writer.yaml");
        Files.writeString(writer, """
                apiVersion: v1
                kind: Pod
                metadata: {name: writer}
                spec:
                  containers:
                  - name: c
                    image: localhost/gantry-sample:1
                    imagePullPolicy: Never
                    command: [sh, -c, "dd if=/dev/zero of=/cache/fill bs=1048576 count=%d; exec sleep 3600"]
                    volumeMounts: [{name: cache, mountPath: /cache}]
                  volumes: [{name: cache, emptyDir: {}}]
                """.formatted(mebibytes));
        kubectl.run("apply", "-f", writer.toString()).requireSuccess();
        String uid = kubectl.run("get", "pod", "writer", "-o", "jsonpath={.metadata.uid}").requireSuccess().out().trim();

        await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(
                condition(node(kubectl), "DiskPressure").path("status").asText()));
        await().atMost(Duration.ofSeconds(30)).until(() -> "Failed".equals(
                kubectl.run("get", "pod", "writer", "-o", "jsonpath={.status.phase}").out().trim()));
        JsonNode evicted = Json.MAPPER.readTree(kubectl.run("get", "pod", "writer", "-o", "json").requireSuccess().out());
        assertThat(evicted.path("status").path("reason").asText()).isEqualTo("Evicted");
        assertThat(evicted.path("status").path("message").asText()).startsWith("The node was low on resource: "
                + "ephemeral-storage. Threshold quantity: 24Mi, available: ");
        assertThat(agentDir.resolve("pods").resolve(uid).resolve("volumes")).as("the emptyDir is given back")
                .doesNotExist();

        Instant relieved = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> "False".equals(
                condition(node(kubectl), "DiskPressure").path("status").asText()));
        assertThat(Duration.between(relieved, Instant.now())).as("not before the transition period")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(kubectl.run("get", "pod", "layered", "quiet", "-o", "jsonpath={.items[*].status.phase}").out().trim())
                .as("nothing else was evicted").isEqualTo("Running Running");
        for (String bystander : List.of("layered", "quiet")) {
            assertThat(kubectl.run("get", "events", "--field-selector", "involvedObject.name=" + bystander, "-o",
                    "jsonpath={.items[*].reason}").requireSuccess().out()).as(bystander).doesNotContain("Evicted");
        }
    }

    /** Writes {@code bytes} for real: tmpfs gives them pages, where a sparse file would take none. */
    private static void write(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[(int) MI];
        java.util.Arrays.fill(chunk, (byte) 1);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    private static JsonNode node(Kubectl kubectl) throws Exception {
        return Json.MAPPER.readTree(kubectl.run("get", "node", "n1", "-o", "json").requireSuccess().out());
    }

    private static String taints(Kubectl kubectl) throws Exception {
        return kubectl.run("get", "node", "n1", "-o", "jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}")
                .requireSuccess().out();
    }

    private static JsonNode condition(JsonNode object, String type) {
        for (JsonNode c : object.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type + " in " + object.path("status"));
    }
}
