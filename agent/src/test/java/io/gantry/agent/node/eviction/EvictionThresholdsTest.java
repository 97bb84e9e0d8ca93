package io.gantry.agent.node.eviction;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kubelet's --eviction-hard syntax, the comparison of a signal with its threshold, and the messages. */
class EvictionThresholdsTest {
    private static final long MI = 1024 * 1024;

    @Test
    void kubeletDefaults() {
        List<EvictionThreshold> defaults = EvictionThresholds.KUBELET_DEFAULT.thresholds();
        assertThat(defaults).extracting(EvictionThreshold::signal).containsExactly(EvictionSignal.MEMORY_AVAILABLE,
                EvictionSignal.NODEFS_AVAILABLE, EvictionSignal.NODEFS_INODES_FREE, EvictionSignal.IMAGEFS_AVAILABLE);
        assertThat(defaults.getFirst().minimum()).isEqualTo(new EvictionThreshold.Amount(100 * MI));
        assertThat(defaults.get(1).minimum()).isEqualTo(new EvictionThreshold.Percentage(new BigDecimal("10")));
    }

    @Test
    void parsesQuantitiesPercentagesAndEveryLinuxSignal() {
        EvictionThresholds t = EvictionThresholds.parse(" memory.available<1.5Gi, nodefs.available<2G,"
                + "imagefs.inodesFree<7.5%,pid.available<1k,imagefs.available<1000,nodefs.inodesFree<5%");
        assertThat(t.thresholds()).extracting(EvictionThreshold::minimum).containsExactly(
                new EvictionThreshold.Amount(1536 * MI), new EvictionThreshold.Amount(2_000_000_000L),
                new EvictionThreshold.Percentage(new BigDecimal("7.5")), new EvictionThreshold.Amount(1000),
                new EvictionThreshold.Amount(1000), new EvictionThreshold.Percentage(new BigDecimal("5")));
        assertThat(t.inPriorityOrder()).extracting(EvictionThreshold::signal).startsWith(
                EvictionSignal.MEMORY_AVAILABLE).endsWith(EvictionSignal.PID_AVAILABLE);
        assertThat(t.toString()).isEqualTo("memory.available<1.5Gi,nodefs.available<2G,imagefs.inodesFree<7.5%,"
                + "pid.available<1k,imagefs.available<1000,nodefs.inodesFree<5%");
    }

    @Test
    void givenThresholdsReplaceTheDefaultsAndZeroOrEmptyMeansNone() {
        assertThat(EvictionThresholds.parse("pid.available<100").thresholds()).hasSize(1);
        assertThat(EvictionThresholds.parse("").thresholds()).isEmpty();
        assertThat(EvictionThresholds.parse("memory.available<0,nodefs.available<0%").thresholds()).isEmpty();
    }

    @Test
    void rejectsWhatTheKubeletRejects() {
        assertThatThrownBy(() -> EvictionThresholds.parse("memory.free<1Gi"))
                .hasMessageStartingWith("unsupported eviction signal \"memory.free\" (supported: memory.available,");
        assertThatThrownBy(() -> EvictionThresholds.parse("memory.available>1Gi"))
                .hasMessageContaining("must look like signal<quantity");
        assertThatThrownBy(() -> EvictionThresholds.parse("memory.available<1Gi,"))
                .hasMessageContaining("\"\" must look like signal<quantity");
        assertThatThrownBy(() -> EvictionThresholds.parse("memory.available<1Gi,memory.available<2Gi"))
                .hasMessage("more than one eviction threshold for memory.available");
        assertThatThrownBy(() -> EvictionThresholds.parse("memory.available<lots"))
                .hasMessageContaining("\"lots\" is not a quantity");
        assertThatThrownBy(() -> EvictionThresholds.parse("memory.available<-1Mi"))
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> EvictionThresholds.parse("nodefs.available<101%"))
                .hasMessageContaining("between 0% and 100%");
        assertThatThrownBy(() -> EvictionThresholds.parse("nodefs.available<x%"))
                .hasMessageContaining("is not a percentage");
    }

    @Test
    void aSignalIsPastItsThresholdWhileLessThanTheMinimumIsAvailable() {
        EvictionThreshold memory = EvictionThresholds.parse("memory.available<100Mi").thresholds().getFirst();
        assertThat(memory.metBy(new Observation(100 * MI - 1, 8192 * MI))).isTrue();
        assertThat(memory.metBy(new Observation(100 * MI, 8192 * MI))).isFalse();
        EvictionThreshold disk = EvictionThresholds.parse("nodefs.available<10%").thresholds().getFirst();
        assertThat(disk.metBy(new Observation(99, 1000))).isTrue();
        assertThat(disk.metBy(new Observation(100, 1000))).isFalse();
        // a share of a capacity that does not divide evenly rounds up: less than that is never enough
        assertThat(disk.minimum().of(1001)).isEqualTo(101);
    }

    @Test
    void messagesAreTheKubeletsWithCanonicalQuantities() {
        EvictionThreshold memory = EvictionThresholds.parse("memory.available<100Mi").thresholds().getFirst();
        assertThat(EvictionMessage.of(memory, new Observation(50 * MI, 8192 * MI))).isEqualTo(
                "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. ");
        EvictionThreshold disk = EvictionThresholds.parse("nodefs.available<10%").thresholds().getFirst();
        assertThat(EvictionMessage.of(disk, new Observation(3 * 1024 + 1, 1000 * MI))).isEqualTo(
                "The node was low on resource: ephemeral-storage. Threshold quantity: 100Mi, available: 3073. ");
        EvictionThreshold pids = EvictionThresholds.parse("pid.available<2k").thresholds().getFirst();
        assertThat(EvictionMessage.of(pids, new Observation(1500, 32768))).isEqualTo(
                "The node was low on resource: pids. Threshold quantity: 2k, available: 1500. ");
        assertThat(EvictionMessage.quantity(0, true)).isEqualTo("0");
        assertThat(EvictionMessage.quantity(3L << 30, true)).isEqualTo("3Gi");
        assertThat(EvictionMessage.quantity(12_000_000, false)).isEqualTo("12M");
    }
}
