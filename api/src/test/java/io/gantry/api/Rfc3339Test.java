package io.gantry.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Rfc3339Test {
    /** Instant.MIN's and Instant.MAX's years are out of ISO_INSTANT's range: these are the ones it formats. */
    private static final long FIRST = Instant.parse("-999999999-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST = Instant.parse("+999999999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void formatsAsIsoInstantInWholeSeconds() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(i % 2 == 0 ? random.nextLong(-62_167_219_200L, 253_402_300_800L)
                    : random.nextLong(FIRST, LAST), random.nextInt(1_000_000_000));
            assertThat(Rfc3339.seconds(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS)));
        }
        assertThat(Rfc3339.seconds(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(Rfc3339.seconds(Instant.parse("2024-02-29T23:59:59.999Z"))).isEqualTo("2024-02-29T23:59:59Z");
        assertThat(Rfc3339.seconds(Instant.parse("0000-01-01T00:00:00Z"))).isEqualTo("0000-01-01T00:00:00Z");
        assertThat(Rfc3339.seconds(Instant.parse("-0001-12-31T23:59:59Z"))).isEqualTo("-0001-12-31T23:59:59Z");
        assertThat(Rfc3339.seconds(Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo("+10000-01-01T00:00:00Z");
    }

    @Test
    void parsesWhatItFormatsBack() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(FIRST, LAST));
            assertThat(Rfc3339.parse(Rfc3339.seconds(t))).isEqualTo(t);
        }
    }

    @Test
    void readsEveryFormInstantParseReads() {
        for (String text : new String[]{"2026-11-27T10:00:00.5Z", "2026-11-27T10:00:00+02:00",
                "2026-11-27T10:00:00.123456789Z", "2026-11-27T23:59:60Z", "+12026-11-27T10:00:00Z",
                "2026-01-01T24:00:00Z", "2026-01-01T00:00:00z"}) {
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void refusesWhatInstantParseRefuses() {
        for (String text : new String[]{"2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:01Z",
                "2026-01-01T00:60:00Z", "2026-01-01T00:00:61Z", "2026-01-01 00:00:00Z",
                "2026-1a-01T00:00:00Z", "2026-01-01T00:00:00", "", "yesterday"}) {
            assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> Rfc3339.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
        assertThat(Rfc3339.parse("2000-02-29T00:00:00Z")).isEqualTo(Instant.parse("2000-02-29T00:00:00Z"));
        assertThat(Rfc3339.parse("2024-12-31T23:59:59Z")).isEqualTo(Instant.parse("2024-12-31T23:59:59Z"));
    }

    @Test
    void microTimeKeepsSixFractionalDigits() {
        assertThat(Rfc3339.micros(Instant.parse("2026-11-28T01:02:03.123456789Z"))).isEqualTo("2026-11-28T01:02:03.123456Z");
        assertThat(Rfc3339.micros(Instant.parse("2026-11-28T01:02:03Z"))).isEqualTo("2026-11-28T01:02:03.000000Z");
    }
}
