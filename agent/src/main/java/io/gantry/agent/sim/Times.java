package io.gantry.agent.sim;

import io.gantry.api.Rfc3339;

import java.time.Instant;

/** Kubernetes' two timestamp forms: Time (RFC 3339, seconds) and MicroTime (six fractional digits). */
final class Times {
    private Times() {
    }

    static String seconds(Instant t) {
        return Rfc3339.seconds(t);
    }

    static String micros(Instant t) {
        return Rfc3339.micros(t);
    }

    static Instant parse(String text, Instant fallback) {
        try {
            return text == null || text.isEmpty() ? fallback : Rfc3339.parse(text);
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
