package io.gantry.apiserver.rest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Time as the API writes it: RFC 3339 in UTC with second precision. */
public final class Clock {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Clock() {
    }

    public static String format(Instant instant) {
        return RFC3339.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    public static String now() {
        return format(Instant.now());
    }

    public static Instant parse(String text) {
        return Instant.parse(text);
    }
}
