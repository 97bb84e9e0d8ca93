package io.gantry.controllers.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Per item: base * 2^failures, capped at max (client-go's ItemExponentialFailureRateLimiter). */
public final class ExponentialFailureRateLimiter implements RateLimiter {
    private final Duration base;
    private final Duration max;
    private final Map<String, Integer> failures = new HashMap<>();

    public ExponentialFailureRateLimiter(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    @Override
    public synchronized Duration when(String item) {
        int exp = failures.merge(item, 1, Integer::sum) - 1;
        // Past 2^62 the multiplication would overflow; the cap has long been reached anyway.
        if (exp >= 62) {
            return max;
        }
        double nanos = base.toNanos() * Math.pow(2, exp);
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }

    @Override
    public synchronized void forget(String item) {
        failures.remove(item);
    }

    @Override
    public synchronized int numRequeues(String item) {
        return failures.getOrDefault(item, 0);
    }
}
