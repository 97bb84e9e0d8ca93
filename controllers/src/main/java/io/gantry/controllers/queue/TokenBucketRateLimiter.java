package io.gantry.controllers.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * An overall token bucket shared by all items (client-go's BucketRateLimiter over golang.org/x/time/rate): each
 * {@link #when} reserves a token; when the bucket is empty the reservation is for the time the token will exist.
 */
public final class TokenBucketRateLimiter implements RateLimiter {
    private final Clock clock;
    private final double qps;
    private final int burst;
    private double tokens;
    private Instant last;

    public TokenBucketRateLimiter(Clock clock, double qps, int burst) {
        this.clock = clock;
        this.qps = qps;
        this.burst = burst;
        this.tokens = burst;
        this.last = clock.instant();
    }

    @Override
    public synchronized Duration when(String item) {
        Instant now = clock.instant();
        if (now.isAfter(last)) {
            tokens = Math.min(burst, tokens + Duration.between(last, now).toNanos() / 1e9 * qps);
            last = now;
        }
        tokens -= 1;
        return tokens >= 0 ? Duration.ZERO : Duration.ofNanos((long) (-tokens / qps * 1e9));
    }

    @Override
    public void forget(String item) {
    }

    @Override
    public int numRequeues(String item) {
        return 0;
    }
}
