package io.gantry.agent.node.eviction;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.NodeConditions.Pressure;
import io.gantry.agent.sim.MutableClock;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Monitoring passes against signals and pods the test sets, by a clock it moves. */
class EvictionManagerTest {
    private static final long MI = 1024 * 1024;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final Map<EvictionSignal, Observation> signals = new EnumMap<>(EvictionSignal.class);
    private final List<ObjectNode> pods = new ArrayList<>();
    private final Map<String, PodStats> stats = new java.util.HashMap<>();
    private final List<String> evicted = new ArrayList<>();
    private final List<String> messages = new ArrayList<>();
    private final AtomicInteger conditionChanges = new AtomicInteger();
    private final AtomicInteger reclaims = new AtomicInteger();
    /** What freeing unused images does to the signals (nothing unless a test says). */
    private Runnable reclaim = () -> {
    };
    private final PressureConditions conditions = new PressureConditions(Duration.ofSeconds(30), clock.instant());
    private final EvictionManager manager = new EvictionManager(
            new EvictionConfig(EvictionThresholds.parse("memory.available<100Mi,nodefs.available<10%,pid.available<1k"),
                    Duration.ofSeconds(30), Duration.ofSeconds(10)),
            () -> Map.copyOf(signals), pod -> stats.getOrDefault(name(pod), PodStats.NONE), () -> List.copyOf(pods),
            (pod, message) -> {
                evicted.add(name(pod));
                messages.add(message);
                pods.remove(pod); // the agent no longer offers a pod it evicted
            }, () -> {
                reclaims.incrementAndGet();
                reclaim.run();
            }, conditions, conditionChanges::incrementAndGet, clock);

    private static String name(ObjectNode pod) {
        return pod.path("metadata").path("name").asText();
    }

    private void pod(String name, String requests, long memory, long disk) {
        try {
            pods.add((ObjectNode) Json.YAML.readTree("""
                    metadata: {name: %s, namespace: default, uid: %s}
                    spec: {containers: [{name: c, resources: {requests: %s}}]}
                    """.formatted(name, name, requests)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        stats.put(name, new PodStats(memory, disk, 1, disk, 1, 1));
    }

    private void healthy() {
        signals.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(4096 * MI, 8192 * MI));
        signals.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(500, 1000));
        signals.put(EvictionSignal.PID_AVAILABLE, new Observation(30000, 32768));
    }

    @Test
    void aHealthyNodeEvictsNothingAndKeepsItsConditions() throws Exception {
        healthy();
        pod("web", "{}", 10 * MI, 0);
        assertThat(manager.synchronize()).isEmpty();
        assertThat(conditionChanges).hasValue(0);
        assertThat(conditions.underPressure(Pressure.MEMORY)).isFalse();
    }

    @Test
    void underPressureOnePodGoesEachPassInTheKubeletsOrderAndTheConditionFollowsTheSignal() throws Exception {
        healthy();
        pod("guaranteed", "{memory: 64Mi}", 60 * MI, 0);
        pod("burstable", "{memory: 16Mi}", 48 * MI, 0);
        pod("best-effort", "{}", 8 * MI, 0);
        signals.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(50 * MI, 8192 * MI));

        assertThat(manager.synchronize()).isPresent();
        assertThat(evicted).containsExactly("burstable");
        assertThat(messages.getFirst()).isEqualTo(
                "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. ");
        assertThat(conditions.underPressure(Pressure.MEMORY)).isTrue();
        assertThat(conditionChanges).hasValue(1);

        clock.advance(Duration.ofSeconds(10));
        manager.synchronize();
        clock.advance(Duration.ofSeconds(10));
        manager.synchronize();
        assertThat(evicted).containsExactly("burstable", "best-effort", "guaranteed");

        // the pressure is gone: nothing more to do, but the condition holds for the transition period
        signals.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(4096 * MI, 8192 * MI));
        clock.advance(Duration.ofSeconds(10));
        assertThat(manager.synchronize()).isEmpty();
        assertThat(conditions.underPressure(Pressure.MEMORY)).isTrue();
        clock.advance(Duration.ofSeconds(20));
        manager.synchronize();
        assertThat(conditions.underPressure(Pressure.MEMORY)).isFalse();
        assertThat(conditionChanges).hasValue(2);
    }

    @Test
    void memoryIsReclaimedBeforeDiskAndDiskPressureRanksByDiskUse() throws Exception {
        healthy();
        pod("memory-hog", "{}", 900 * MI, 0);
        pod("disk-hog", "{}", MI, 90 * MI);
        signals.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(50, 1000));
        manager.synchronize();
        assertThat(evicted).containsExactly("disk-hog");
        assertThat(messages.getFirst()).startsWith("The node was low on resource: ephemeral-storage. "
                + "Threshold quantity: 100, available: 50.");
        assertThat(conditions.underPressure(Pressure.DISK)).isTrue();

        pod("disk-hog", "{}", MI, 90 * MI);
        signals.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(10 * MI, 8192 * MI));
        clock.advance(Duration.ofSeconds(10));
        manager.synchronize();
        assertThat(evicted).containsExactly("disk-hog", "memory-hog");
        assertThat(conditions.underPressure(Pressure.MEMORY)).isTrue();
        assertThat(conditions.underPressure(Pressure.DISK)).isTrue();
    }

    @Test
    void diskPressureFreesUnusedImagesFirstAndEvictsOnlyIfThatWasNotEnough() throws Exception {
        healthy();
        pod("disk-hog", "{}", MI, 90 * MI);
        signals.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(50, 1000));
        reclaim = () -> signals.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(300, 1000));
        assertThat(manager.synchronize()).isEmpty();
        assertThat(reclaims).hasValue(1);
        assertThat(evicted).isEmpty();
        assertThat(conditions.underPressure(Pressure.DISK)).as("the pressure was seen").isTrue();

        signals.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(50, 1000));
        reclaim = () -> signals.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(80, 1000));
        clock.advance(Duration.ofSeconds(10));
        manager.synchronize();
        assertThat(reclaims).hasValue(2);
        assertThat(evicted).containsExactly("disk-hog");
    }

    @Test
    void memoryAndPidPressureFreeNoImages() throws Exception {
        healthy();
        pod("hog", "{}", 900 * MI, 0);
        signals.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(10 * MI, 8192 * MI));
        manager.synchronize();
        assertThat(evicted).containsExactly("hog");
        assertThat(reclaims).hasValue(0);
    }

    @Test
    void criticalPodsArePassedOverForTheNextInTheRanking() throws Exception {
        healthy();
        pod("node-critical", "{}", 900 * MI, 0);
        ((ObjectNode) pods.getLast().path("spec")).put("priority", 2_000_001_000);
        pod("mirror", "{}", 800 * MI, 0);
        ((ObjectNode) pods.getLast().path("metadata")).putObject("annotations")
                .put("kubernetes.io/config.mirror", "abc");
        pod("static", "{}", 700 * MI, 0);
        ((ObjectNode) pods.getLast().path("metadata")).putObject("annotations")
                .put("kubernetes.io/config.source", "file");
        pod("ordinary", "{}", 8 * MI, 0);
        ((ObjectNode) pods.getLast().path("spec")).put("priority", 1_000_000_000);
        signals.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(10 * MI, 8192 * MI));
        manager.synchronize();
        assertThat(evicted).containsExactly("ordinary");
        clock.advance(Duration.ofSeconds(10));
        assertThat(manager.synchronize()).as("only critical pods are left").isEmpty();
        assertThat(evicted).containsExactly("ordinary");
    }

    @Test
    void unmeasuredSignalsAndNodesWithoutPodsAreLeftAlone() throws Exception {
        signals.put(EvictionSignal.PID_AVAILABLE, new Observation(10, 32768));
        assertThat(manager.synchronize()).isEmpty();
        assertThat(conditions.underPressure(Pressure.PID)).isTrue();
        assertThat(evicted).isEmpty();
    }
}
