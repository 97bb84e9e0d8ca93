package io.gantry.apiserver.rest;

import io.gantry.api.Rfc3339;

import java.time.Instant;

/** Time as the API writes it: RFC 3339 in UTC with second precision. */
public final class Clock {
    private Clock() {
    }

    public static String format(Instant instant) {
        return Rfc3339.seconds(instant);
    }

    public static String now() {
        return format(Instant.now());
    }
}
