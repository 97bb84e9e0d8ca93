package io.gantry.controllers.cronjob;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleMathTest {
    private static final CronSchedule EVERY_MINUTE = CronSchedule.parse("* * * * *");

    @Test
    void noTimeDueYet() {
        ScheduleMath.Unmet u = ScheduleMath.mostRecent(EVERY_MINUTE, ZoneOffset.UTC,
                Instant.parse("2024-01-01T10:00:00Z"), Instant.parse("2024-01-01T10:00:59Z"));
        assertThat(u.mostRecent()).isEmpty();
        assertThat(u.missed()).isZero();
    }

    @Test
    void mostRecentOfSeveralMissedTimes() {
        ScheduleMath.Unmet u = ScheduleMath.mostRecent(CronSchedule.parse("*/5 * * * *"), ZoneOffset.UTC,
                Instant.parse("2024-01-01T10:00:00Z"), Instant.parse("2024-01-01T10:17:00Z"));
        assertThat(u.mostRecent()).contains(Instant.parse("2024-01-01T10:15:00Z"));
        assertThat(u.missed()).isEqualTo(3);
        assertThat(u.tooMany()).isFalse();
    }

    @Test
    void tooManyMissedStillFindsTheLatest() {
        ScheduleMath.Unmet u = ScheduleMath.mostRecent(EVERY_MINUTE, ZoneOffset.UTC,
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2024-06-01T12:34:56Z"));
        assertThat(u.tooMany()).isTrue();
        assertThat(u.mostRecent()).contains(Instant.parse("2024-06-01T12:34:00Z"));

        ScheduleMath.Unmet daily = ScheduleMath.mostRecent(CronSchedule.parse("@daily"), ZoneOffset.UTC,
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2024-06-01T12:34:56Z"));
        assertThat(daily.tooMany()).isTrue();
        assertThat(daily.mostRecent()).contains(Instant.parse("2024-06-01T00:00:00Z"));
    }

    @Test
    void jobNameSuffixIsMinutesSinceEpoch() {
        assertThat(ScheduleMath.nameSuffix(Instant.parse("2024-01-01T10:15:00Z"))).isEqualTo(1_704_067_200L / 60 + 10 * 60 + 15);
        assertThat(ScheduleMath.next(EVERY_MINUTE, ZoneOffset.UTC, Instant.parse("2024-01-01T10:15:00Z")))
                .contains(Instant.parse("2024-01-01T10:16:00Z"));
    }
}
