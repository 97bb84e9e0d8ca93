package io.gantry.controllers.cronjob;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static Instant next(String spec, String after) {
        return CronSchedule.parse(spec).next(Instant.parse(after), UTC);
    }

    @Test
    void everyMinuteIsTheNextWholeMinute() {
        assertThat(next("* * * * *", "2024-01-01T10:00:00Z")).isEqualTo("2024-01-01T10:01:00Z");
        assertThat(next("* * * * *", "2024-01-01T10:00:30Z")).isEqualTo("2024-01-01T10:01:00Z");
    }

    @Test
    void rangesStepsAndLists() {
        assertThat(next("*/15 * * * *", "2024-01-01T10:01:00Z")).isEqualTo("2024-01-01T10:15:00Z");
        assertThat(next("5/20 * * * *", "2024-01-01T10:26:00Z")).isEqualTo("2024-01-01T10:45:00Z");
        assertThat(next("0 9-17/4 * * *", "2024-01-01T13:00:00Z")).isEqualTo("2024-01-01T17:00:00Z");
        assertThat(next("0 1,13 * * *", "2024-01-01T02:00:00Z")).isEqualTo("2024-01-01T13:00:00Z");
        assertThat(next("30 2 29 2 *", "2024-03-01T00:00:00Z")).isEqualTo("2028-02-29T02:30:00Z");
    }

    @Test
    void namesOfMonthsAndDays() {
        // 2024-01-01 is a Monday.
        assertThat(next("0 0 * * fri", "2024-01-01T00:00:00Z")).isEqualTo("2024-01-05T00:00:00Z");
        assertThat(next("0 0 1 MAR-may *", "2024-01-01T00:00:00Z")).isEqualTo("2024-03-01T00:00:00Z");
        assertThat(next("0 0 * * sat,sun", "2024-01-01T00:00:00Z")).isEqualTo("2024-01-06T00:00:00Z");
    }

    @Test
    void restrictedDayOfMonthAndWeekMatchEither() {
        // The 15th or any Monday, whichever comes first.
        assertThat(next("0 0 15 * 1", "2024-01-02T00:00:00Z")).isEqualTo("2024-01-08T00:00:00Z");
        assertThat(next("0 0 15 * 1", "2024-01-13T00:00:00Z")).isEqualTo("2024-01-15T00:00:00Z");
        // With a star in one of them both must match.
        assertThat(next("0 0 * * 1", "2024-01-02T00:00:00Z")).isEqualTo("2024-01-08T00:00:00Z");
    }

    @Test
    void descriptors() {
        assertThat(next("@hourly", "2024-01-01T10:20:00Z")).isEqualTo("2024-01-01T11:00:00Z");
        assertThat(next("@daily", "2024-01-01T10:20:00Z")).isEqualTo("2024-01-02T00:00:00Z");
        assertThat(next("@midnight", "2024-01-01T10:20:00Z")).isEqualTo("2024-01-02T00:00:00Z");
        assertThat(next("@weekly", "2024-01-01T10:20:00Z")).isEqualTo("2024-01-07T00:00:00Z");
        assertThat(next("@monthly", "2024-01-01T10:20:00Z")).isEqualTo("2024-02-01T00:00:00Z");
        assertThat(next("@yearly", "2024-01-01T10:20:00Z")).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(next("@annually", "2024-01-01T10:20:00Z")).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(CronSchedule.parse("@every 1h30m")).isEqualTo(new CronSchedule.Every(Duration.ofMinutes(90)));
    }

    @Test
    void timeZones() {
        CronSchedule nineDaily = CronSchedule.parse("0 9 * * *");
        ZoneId ny = ZoneId.of("America/New_York");
        assertThat(nineDaily.next(Instant.parse("2024-01-10T00:00:00Z"), ny)).isEqualTo("2024-01-10T14:00:00Z");
        // After the spring-forward change 09:00 New York is 13:00 UTC.
        assertThat(nineDaily.next(Instant.parse("2024-03-11T00:00:00Z"), ny)).isEqualTo("2024-03-11T13:00:00Z");
        assertThat(nineDaily.next(Instant.parse("2024-01-10T00:00:00Z"), ZoneId.of("Asia/Tokyo")))
                .isEqualTo("2024-01-11T00:00:00Z");
    }

    @Test
    void skippedLocalTimeOnSpringForwardMovesOn() {
        // 02:30 does not exist in New York on 2024-03-10; the next run is the day after.
        Instant t = CronSchedule.parse("30 2 * * *").next(Instant.parse("2024-03-10T05:00:00Z"),
                ZoneId.of("America/New_York"));
        assertThat(t).isAfter(Instant.parse("2024-03-10T06:00:00Z"));
    }

    @Test
    void invalidSchedules() {
        assertThatThrownBy(() -> CronSchedule.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> CronSchedule.parse("* * * *")).hasMessageContaining("expected exactly 5 fields");
        assertThatThrownBy(() -> CronSchedule.parse("60 * * * *")).hasMessageContaining("above maximum");
        assertThatThrownBy(() -> CronSchedule.parse("* * 0 * *")).hasMessageContaining("below minimum");
        assertThatThrownBy(() -> CronSchedule.parse("5-1 * * * *")).hasMessageContaining("beyond end");
        assertThatThrownBy(() -> CronSchedule.parse("*/0 * * * *")).hasMessageContaining("positive");
        assertThatThrownBy(() -> CronSchedule.parse("* * * foo *")).hasMessageContaining("failed to parse int");
        assertThatThrownBy(() -> CronSchedule.parse("@often")).hasMessageContaining("unrecognized descriptor");
        assertThatThrownBy(() -> CronSchedule.parse("CRON_TZ=UTC * * * * *")).hasMessageContaining("timeZone");
        assertThatThrownBy(() -> CronSchedule.parse("TZ=UTC 0 * * * *")).hasMessageContaining("timeZone");
    }
}
