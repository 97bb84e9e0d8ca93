package io.gantry.controllers.queue;

import java.time.Duration;

/** Decides how long an item waits before it is retried, like client-go's workqueue.RateLimiter. */
public interface RateLimiter {
    /** The delay for this retry of {@code item}; counts the retry. */
    Duration when(String item);

    /** The item succeeded: its failure history is dropped. */
    void forget(String item);

    int numRequeues(String item);
}
