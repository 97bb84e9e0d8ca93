package io.gantry.controllers.queue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The longest delay of several limiters (client-go's MaxOfRateLimiter). */
public final class MaxOfRateLimiter implements RateLimiter {
    private final List<RateLimiter> limiters;

    public MaxOfRateLimiter(List<RateLimiter> limiters) {
        this.limiters = List.copyOf(limiters);
    }

    /** client-go's DefaultControllerRateLimiter: 5 ms .. 1000 s per item, and 10 qps with a burst of 100 overall. */
    public static RateLimiter controllerDefault(Clock clock) {
        return new MaxOfRateLimiter(List.of(
                new ExponentialFailureRateLimiter(Duration.ofMillis(5), Duration.ofSeconds(1000)),
                new TokenBucketRateLimiter(clock, 10, 100)));
    }

    @Override
    public Duration when(String item) {
        Duration longest = Duration.ZERO;
        for (RateLimiter l : limiters) {
            Duration d = l.when(item);
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return longest;
    }

    @Override
    public void forget(String item) {
        limiters.forEach(l -> l.forget(item));
    }

    @Override
    public int numRequeues(String item) {
        int most = 0;
        for (RateLimiter l : limiters) {
            most = Math.max(most, l.numRequeues(item));
        }
        return most;
    }
}
