package io.gantry.agent.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulationConfigTest {
    @Test
    void leaseIsRenewedEveryQuarterOfItsDuration() {
        SimulationConfig defaults = SimulationConfig.defaults("sim", 1);
        assertThat(defaults.leaseDurationSeconds()).isEqualTo(40);
        assertThat(defaults.leaseRenewInterval()).isEqualTo(Duration.ofSeconds(10));

        SimulationConfig shorter = defaults.withLeaseDuration(4);
        assertThat(shorter.leaseDurationSeconds()).isEqualTo(4);
        assertThat(shorter.leaseRenewInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.withLeaseDuration(6).leaseRenewInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> defaults.withLeaseDuration(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
