package io.gantry.agent.node;

import java.time.Duration;
import java.time.Instant;

/**
 * The kubelet's back-off for a container that keeps failing (CrashLoopBackOff) or an image that cannot be pulled
 * (ImagePullBackOff): 10 s, doubling to 5 minutes. A crashed container's first restart is immediate; a failed
 * pull waits 10 s at once. Not thread-safe: a pod's worker owns it.
 */
final class Backoff {
    static final Duration INITIAL = Duration.ofSeconds(10);
    static final Duration MAX = Duration.ofMinutes(5);

    private final boolean firstIsFree;
    private Duration next;
    private Duration current = Duration.ZERO;
    private Instant until;

    /** @param firstIsFree the first failure is retried at once (container restarts), else after 10 s (pulls) */
    Backoff(boolean firstIsFree) {
        this.firstIsFree = firstIsFree;
        reset();
    }

    /** Records a failure at {@code now}; returns when the next try may start. */
    Instant failed(Instant now) {
        current = next;
        next = next.isZero() ? INITIAL : min(next.multipliedBy(2), MAX);
        until = now.plus(current);
        return until;
    }

    /** A success: the back-off starts over. */
    void reset() {
        next = firstIsFree ? Duration.ZERO : INITIAL;
        current = Duration.ZERO;
        until = null;
    }

    boolean waiting(Instant now) {
        return until != null && now.isBefore(until);
    }

    Instant until() {
        return until;
    }

    /** The delay of the last failure. */
    Duration current() {
        return current;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
