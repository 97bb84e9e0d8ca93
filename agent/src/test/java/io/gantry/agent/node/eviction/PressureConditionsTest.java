package io.gantry.agent.node.eviction;

import io.gantry.agent.NodeConditions;
import io.gantry.agent.NodeConditions.Pressure;
import io.gantry.agent.NodeConditions.PressureState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Conditions turn True at once and False only after the transition period; transition times move with status. */
class PressureConditionsTest {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration PERIOD = Duration.ofMinutes(5);

    @Test
    void pressureStartsAtOnceAndEndsOnlyAfterTheTransitionPeriodWithoutIt() {
        PressureConditions conditions = new PressureConditions(PERIOD, START);
        assertThat(conditions.states().get(Pressure.DISK)).isEqualTo(new PressureState(false, "2025-01-01T00:00:00Z"));

        assertThat(conditions.observe(Set.of(), START.plusSeconds(10))).isFalse();
        assertThat(conditions.observe(Set.of(Pressure.DISK), START.plusSeconds(20))).isTrue();
        assertThat(conditions.states().get(Pressure.DISK)).isEqualTo(new PressureState(true, "2025-01-01T00:00:20Z"));
        assertThat(conditions.underPressure(Pressure.MEMORY)).isFalse();

        // the signal comes and goes: the condition holds, and so does its transition time
        assertThat(conditions.observe(Set.of(), START.plusSeconds(30))).isFalse();
        assertThat(conditions.observe(Set.of(Pressure.DISK), START.plusSeconds(40))).isFalse();
        assertThat(conditions.observe(Set.of(), START.plusSeconds(40).plus(PERIOD).minusSeconds(1))).isFalse();
        assertThat(conditions.states().get(Pressure.DISK)).isEqualTo(new PressureState(true, "2025-01-01T00:00:20Z"));

        assertThat(conditions.observe(Set.of(), START.plusSeconds(40).plus(PERIOD))).isTrue();
        assertThat(conditions.states().get(Pressure.DISK)).isEqualTo(new PressureState(false, "2025-01-01T00:05:40Z"));
        assertThat(conditions.states().get(Pressure.MEMORY)).isEqualTo(new PressureState(false, "2025-01-01T00:00:00Z"));
    }

    @Test
    void eachPressureIsItsOwnCondition() {
        PressureConditions conditions = new PressureConditions(PERIOD, START);
        assertThat(conditions.observe(Set.of(Pressure.MEMORY, Pressure.PID), START.plusSeconds(1))).isTrue();
        assertThat(conditions.underPressure(Pressure.MEMORY)).isTrue();
        assertThat(conditions.underPressure(Pressure.PID)).isTrue();
        assertThat(conditions.underPressure(Pressure.DISK)).isFalse();
    }

    @Test
    void nodeConditionsCarryTheKubeletsReasonsAndMessages() {
        PressureConditions conditions = new PressureConditions(PERIOD, START);
        conditions.observe(Set.of(Pressure.MEMORY), START.plusSeconds(5));
        var nodeConditions = NodeConditions.of("2025-01-01T00:00:06Z", "2025-01-01T00:00:00Z", conditions.states());
        assertThat(nodeConditions).hasSize(4);
        assertThat(nodeConditions.get(0).path("type").asText()).isEqualTo("MemoryPressure");
        assertThat(nodeConditions.get(0).path("status").asText()).isEqualTo("True");
        assertThat(nodeConditions.get(0).path("reason").asText()).isEqualTo("KubeletHasInsufficientMemory");
        assertThat(nodeConditions.get(0).path("message").asText()).isEqualTo("kubelet has insufficient memory available");
        assertThat(nodeConditions.get(0).path("lastTransitionTime").asText()).isEqualTo("2025-01-01T00:00:05Z");
        assertThat(nodeConditions.get(1).path("reason").asText()).isEqualTo("KubeletHasNoDiskPressure");
        assertThat(nodeConditions.get(2).path("reason").asText()).isEqualTo("KubeletHasSufficientPID");
        assertThat(nodeConditions.get(2).path("lastTransitionTime").asText()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(nodeConditions.get(3).path("type").asText()).isEqualTo("Ready");
    }
}
