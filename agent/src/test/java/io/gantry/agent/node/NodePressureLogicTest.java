package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.node.eviction.EvictionSignal;
import io.gantry.agent.node.eviction.ImageFs;
import io.gantry.agent.node.eviction.Observation;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's side of eviction: its signals, a pod's disk use, and an evicted pod's status. */
class NodePressureLogicTest {
    @TempDir
    Path dir;

    @Test
    void memoryIsMemAvailableOfMemTotalAndPidsAreTheTasksOfLoadavg() {
        assertThat(HostSignals.memory(List.of("MemTotal:       24684512 kB", "MemFree:        23000000 kB",
                "MemAvailable:   23321868 kB"))).isEqualTo(new Observation(23321868L * 1024, 24684512L * 1024));
        assertThat(HostSignals.tasks("4.12 2.06 0.80 1/286 9080\n")).isEqualTo(286);
    }

    @Test
    void thisHostsSignalsAreMeasured() throws Exception {
        Path procCopy = Files.createDirectories(dir.resolve("proc/sys/kernel"));
        Files.writeString(procCopy.resolve("pid_max"), "32768\n");
        Files.writeString(procCopy.resolve("threads-max"), "1000\n");
        Files.writeString(dir.resolve("proc/loadavg"), "0.00 0.00 0.00 1/300 42\n");
        Files.copy(Path.of("/proc/meminfo"), dir.resolve("proc/meminfo"));
        var observed = new HostSignals(dir.resolve("proc"), dir.resolve("data/not-yet"), dir.resolve("data/images"))
                .observe();
        assertThat(observed).containsKeys(EvictionSignal.MEMORY_AVAILABLE, EvictionSignal.NODEFS_AVAILABLE,
                EvictionSignal.IMAGEFS_AVAILABLE, EvictionSignal.PID_AVAILABLE);
        // threads-max is the smaller limit here
        assertThat(observed.get(EvictionSignal.PID_AVAILABLE)).isEqualTo(new Observation(700, 1000));
        Observation nodefs = observed.get(EvictionSignal.NODEFS_AVAILABLE);
        assertThat(nodefs.available()).isPositive().isLessThanOrEqualTo(nodefs.capacity());
        assertThat(Files.getFileStore(dir).getUsableSpace()).isCloseTo(nodefs.available(),
                org.assertj.core.data.Offset.offset(64L << 20));
        if (observed.containsKey(EvictionSignal.NODEFS_INODES_FREE)) {
            Observation inodes = observed.get(EvictionSignal.NODEFS_INODES_FREE);
            assertThat(inodes.available()).isPositive().isLessThanOrEqualTo(inodes.capacity());
        }
    }

    @Test
    void theImageFileSystemIsDedicatedOnlyOnADeviceOfItsOwn() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        // the images directory need not exist yet: its nearest ancestor's device counts
        assertThat(new HostSignals(dir.resolve("proc"), data, data.resolve("images")).imageFs())
                .isEqualTo(ImageFs.SHARED);
        Files.createDirectories(data.resolve("images"));
        assertThat(new HostSignals(dir.resolve("proc"), data, data.resolve("images")).imageFs())
                .isEqualTo(ImageFs.SHARED);
        // procfs is a file system of its own, as a disk mounted at the images directory would be
        assertThat(new HostSignals(dir.resolve("proc"), data, Path.of("/proc/self")).imageFs())
                .isEqualTo(ImageFs.DEDICATED);
    }

    @Test
    void diskUseCountsFilesAndEntriesBelowADirectory() throws Exception {
        Path volumes = Files.createDirectories(dir.resolve("pods/u1/volumes/cache"));
        Files.write(volumes.resolve("a"), new byte[5000]);
        Files.write(volumes.resolve("b"), new byte[3000]);
        assertThat(DiskUsage.of(dir.resolve("pods/u1/volumes"))).isEqualTo(new DiskUsage(8000, 4));
        assertThat(DiskUsage.of(dir.resolve("missing"))).isEqualTo(DiskUsage.NONE);
    }

    @Test
    void anEvictedPodIsFailedWithTheKubeletsReasonAndDisruptionTarget() throws Exception {
        ObjectNode pod = (ObjectNode) Json.YAML.readTree("""
                metadata: {name: web, namespace: default, uid: u1}
                spec: {containers: [{name: web, image: busybox}]}
                status:
                  phase: Running
                  conditions: [{type: Ready, status: "True", lastTransitionTime: "2025-01-01T00:00:00Z"}]
                """);
        ContainerRecord r = new ContainerRecord("web", false);
        Instant now = Instant.parse("2025-01-01T00:10:00Z");
        r.finished = new ContainerRecord.Termination(137, "Error", null, now.minusSeconds(60), now, "u1-web-1");
        String message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. ";
        ObjectNode status = new PodStatusBuilder().build("runc", pod, List.of(),
                List.of(new PodStatusBuilder.Observed(r, null)), "10.0.0.1", null, now.minusSeconds(120), false,
                message, now);
        assertThat(status.path("phase").asText()).isEqualTo("Failed");
        assertThat(status.path("reason").asText()).isEqualTo("Evicted");
        assertThat(status.path("message").asText()).isEqualTo(message);
        JsonNode disruption = condition(status, "DisruptionTarget");
        assertThat(disruption.path("status").asText()).isEqualTo("True");
        assertThat(disruption.path("reason").asText()).isEqualTo("TerminationByKubelet");
        assertThat(disruption.path("message").asText()).isEqualTo(message);
        assertThat(condition(status, "Ready").path("status").asText()).isEqualTo("False");
        assertThat(condition(status, "Ready").path("reason").asText()).isEqualTo("PodCompleted");
        assertThat(status.path("containerStatuses").get(0).path("state").path("terminated").path("exitCode").asInt())
                .isEqualTo(137);
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type + " in " + status);
    }
}
