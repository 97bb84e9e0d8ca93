package io.gantry.controllers.queue;

import io.gantry.controllers.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    @Test
    void exponentialBackoffDoublesFromFiveMillisUpToTheCap() {
        var limiter = new ExponentialFailureRateLimiter(Duration.ofMillis(5), Duration.ofSeconds(1000));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(20));
        assertThat(limiter.when("b")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.numRequeues("a")).isEqualTo(3);
        for (int i = 0; i < 100; i++) {
            limiter.when("a");
        }
        assertThat(limiter.when("a")).isEqualTo(Duration.ofSeconds(1000));
        limiter.forget("a");
        assertThat(limiter.numRequeues("a")).isZero();
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void tokenBucketAllowsBurstThenPacesAtQps() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        var bucket = new TokenBucketRateLimiter(clock, 10, 100);
        for (int i = 0; i < 100; i++) {
            assertThat(bucket.when("k" + i)).isZero();
        }
        assertThat(bucket.when("x")).isEqualTo(Duration.ofMillis(100));
        assertThat(bucket.when("y")).isEqualTo(Duration.ofMillis(200));
        clock.advance(Duration.ofSeconds(1));
        // 10 tokens came back, 2 were already promised.
        assertThat(bucket.when("z")).isZero();
    }

    @Test
    void controllerDefaultTakesTheLongerDelay() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        RateLimiter limiter = MaxOfRateLimiter.controllerDefault(clock);
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        for (int i = 0; i < 200; i++) {
            limiter.when("other" + i);
        }
        assertThat(limiter.when("a").toMillis()).isGreaterThan(10_000);
        assertThat(limiter.numRequeues("a")).isEqualTo(2);
        limiter.forget("a");
        assertThat(limiter.numRequeues("a")).isZero();
    }
}
