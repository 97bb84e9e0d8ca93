package io.gantry.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoDurationsTest {
    @Test
    void parsesFlagDurations() {
        assertThat(GoDurations.parse("--x", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(GoDurations.parse("--x", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("--x", "45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(GoDurations.parse("--x", "250ms")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void refusesOtherText() {
        for (String bad : new String[] {"", "1", "h", "1d", "1h ", "-5m", "0s"}) {
            assertThatThrownBy(() -> GoDurations.parse("--event-ttl", bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--event-ttl must be");
        }
    }
}
