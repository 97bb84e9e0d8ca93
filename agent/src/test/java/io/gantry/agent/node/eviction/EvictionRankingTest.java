package io.gantry.agent.node.eviction;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The kubelet's order of eviction for each starved resource. */
class EvictionRankingTest {
    private static final long MI = 1024 * 1024;

    /** A pod of one container with these requests and limits (YAML flow maps), and a priority. */
    private static ObjectNode pod(String name, String requests, String limits, int priority) {
        try {
            return (ObjectNode) Json.YAML.readTree("""
                    metadata: {name: %s, uid: %s}
                    spec:
                      priority: %d
                      containers:
                      - name: c
                        resources: {requests: %s, limits: %s}
                    """.formatted(name, name, priority, requests, limits));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static EvictionRanking.Candidate memory(ObjectNode pod, long bytes) {
        return new EvictionRanking.Candidate(pod, new PodStats(bytes, 0, 0, 0, 0, 0));
    }

    private static List<String> names(List<EvictionRanking.Candidate> ranked) {
        return ranked.stream().map(c -> c.pod().path("metadata").path("name").asText()).toList();
    }

    @Test
    void memoryPressureEvictsPodsAboveTheirRequestsFirstThenByPriorityThenByUseAboveRequests() {
        var guaranteed = memory(pod("guaranteed", "{cpu: 100m, memory: 64Mi}", "{cpu: 100m, memory: 64Mi}", 0), 60 * MI);
        var burstableWithin = memory(pod("burstable-within", "{memory: 64Mi}", "{}", 0), 10 * MI);
        var burstableAbove = memory(pod("burstable-above", "{memory: 16Mi}", "{}", 0), 48 * MI);
        var bestEffort = memory(pod("best-effort", "{}", "{}", 0), 8 * MI);
        var bestEffortHigh = memory(pod("best-effort-high", "{}", "{}", 1000), 500 * MI);
        var bigBestEffort = memory(pod("big-best-effort", "{}", "{}", 0), 40 * MI);
        var lowGuaranteed = memory(pod("low-guaranteed", "{cpu: 1, memory: 1Gi}", "{cpu: 1, memory: 1Gi}", -10), 5 * MI);

        List<EvictionRanking.Candidate> ranked = EvictionRanking.rank(EvictionSignal.MEMORY_AVAILABLE, ImageFs.SHARED, List.of(
                guaranteed, burstableWithin, bestEffort, burstableAbove, bestEffortHigh, bigBestEffort, lowGuaranteed));

        assertThat(names(ranked)).containsExactly(
                // above requests: lower priority first, then the most above
                "big-best-effort", "burstable-above", "best-effort", "best-effort-high",
                // within requests (Guaranteed always is): lower priority first, then the least below
                "low-guaranteed", "guaranteed", "burstable-within");
    }

    @Test
    void bestEffortGoesFirstAndWithinRequestsGuaranteedAndBurstableGoByUseBelowRequests() {
        var guaranteed = memory(pod("guaranteed", "{cpu: 100m, memory: 64Mi}", "{cpu: 100m, memory: 64Mi}", 0), 63 * MI);
        var burstable = memory(pod("burstable", "{memory: 32Mi}", "{memory: 256Mi}", 0), 20 * MI);
        var bestEffort = memory(pod("best-effort", "{}", "{}", 0), MI);
        assertThat(names(EvictionRanking.rank(EvictionSignal.MEMORY_AVAILABLE, ImageFs.SHARED, List.of(guaranteed, burstable,
                bestEffort)))).containsExactly("best-effort", "guaranteed", "burstable");
    }

    @Test
    void diskPressureWeighsDiskUseAgainstEphemeralStorageRequests() {
        var requested = new EvictionRanking.Candidate(pod("requested", "{ephemeral-storage: 100Mi}", "{}", 0),
                new PodStats(0, 50 * MI, 10, 1, 1, 0));
        var small = new EvictionRanking.Candidate(pod("small", "{}", "{}", 0), new PodStats(0, MI, 10, MI, 5, 0));
        var large = new EvictionRanking.Candidate(pod("large", "{}", "{}", 0), new PodStats(0, 9 * MI, 20, 0, 0, 0));
        var all = List.of(requested, small, large);
        assertThat(names(EvictionRanking.rank(EvictionSignal.NODEFS_AVAILABLE, ImageFs.SHARED, all)))
                .containsExactly("large", "small", "requested");
        assertThat(names(EvictionRanking.rank(EvictionSignal.NODEFS_AVAILABLE, ImageFs.DEDICATED, all)))
                .containsExactly("large", "small", "requested");
        // a dedicated image file system holds writable layers: only those count
        assertThat(names(EvictionRanking.rank(EvictionSignal.IMAGEFS_AVAILABLE, ImageFs.DEDICATED, all)))
                .containsExactly("small", "large", "requested");
        assertThat(names(EvictionRanking.rank(EvictionSignal.IMAGEFS_INODES_FREE, ImageFs.DEDICATED, all)))
                .containsExactly("small", "requested", "large");
        // one shared with the node holds logs and volumes too: it ranks as nodefs
        assertThat(names(EvictionRanking.rank(EvictionSignal.IMAGEFS_AVAILABLE, ImageFs.SHARED, all)))
                .containsExactly("large", "small", "requested");
        assertThat(names(EvictionRanking.rank(EvictionSignal.IMAGEFS_INODES_FREE, ImageFs.SHARED, all)))
                .containsExactly("large", "requested", "small");
        // inodes have no requests: the most used go first
        assertThat(names(EvictionRanking.rank(EvictionSignal.NODEFS_INODES_FREE, ImageFs.SHARED, all)))
                .containsExactly("large", "requested", "small");
    }

    @Test
    void pidPressureEvictsLowerPriorityThenMoreProcesses() {
        var few = new EvictionRanking.Candidate(pod("few", "{}", "{}", 0), new PodStats(0, 0, 0, 0, 0, 3));
        var many = new EvictionRanking.Candidate(pod("many", "{}", "{}", 0), new PodStats(0, 0, 0, 0, 0, 300));
        var important = new EvictionRanking.Candidate(pod("important", "{}", "{}", 100),
                new PodStats(0, 0, 0, 0, 0, 3000));
        assertThat(names(EvictionRanking.rank(EvictionSignal.PID_AVAILABLE, ImageFs.SHARED, List.of(important, few, many))))
                .containsExactly("many", "few", "important");
    }

    @Test
    void podRequestsAreTheContainersSumOrTheLargestInitContainer() throws Exception {
        ObjectNode pod = (ObjectNode) Json.YAML.readTree("""
                spec:
                  initContainers:
                  - {name: i, resources: {requests: {memory: 300Mi}}}
                  containers:
                  - {name: a, resources: {requests: {memory: 100Mi}}}
                  - {name: b, resources: {requests: {memory: 150Mi, ephemeral-storage: 1G}}}
                """);
        assertThat(EvictionRanking.request(pod, "memory")).isEqualTo(300 * MI);
        assertThat(EvictionRanking.request(pod, "ephemeral-storage")).isEqualTo(1_000_000_000L);
        assertThat(EvictionRanking.request(pod, "cpu")).isZero();
    }
}
