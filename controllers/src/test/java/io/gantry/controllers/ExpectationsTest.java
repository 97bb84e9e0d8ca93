package io.gantry.controllers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectationsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final Expectations expectations = new Expectations(clock);

    @Test
    void creationsAndDeletionsMustBeObserved() {
        assertThat(expectations.satisfied("ns/rs")).isTrue();
        expectations.expectCreations("ns/rs", 2);
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.creationObserved("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.creationObserved("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isTrue();

        expectations.expectDeletions("ns/rs", Set.of("ns/p1", "ns/p2"));
        expectations.deletionObserved("ns/rs", "ns/p1");
        expectations.deletionObserved("ns/rs", "ns/p1");
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.deletionObserved("ns/rs", "ns/p2");
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void expectationsExpireAfterFiveMinutes() {
        expectations.expectCreations("ns/rs", 1);
        clock.advance(Duration.ofMinutes(5));
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }
}
