package io.gantry.scheduler;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs blocking API calls on virtual threads, at most {@code limit} at a time; the rest wait (cheaply, as parked
 * virtual threads) in arrival order, up to {@code maxWaiting} of them: calls beyond that are dropped, which only
 * a lane for calls that may be lost (events) should allow.
 */
final class BoundedCalls implements AutoCloseable {
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore permits;
    private final int maxWaiting;
    private final AtomicInteger pending = new AtomicInteger();

    BoundedCalls(int limit) {
        this(limit, Integer.MAX_VALUE);
    }

    BoundedCalls(int limit, int maxWaiting) {
        this.permits = new Semaphore(limit, true);
        this.maxWaiting = maxWaiting;
    }

    /** Runs the call when a slot is free; false (and nothing runs) when too many calls already wait. */
    boolean execute(Runnable call) {
        if (pending.incrementAndGet() > maxWaiting) {
            pending.decrementAndGet();
            return false;
        }
        threads.execute(() -> {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                pending.decrementAndGet();
                Thread.currentThread().interrupt();
                return;
            }
            try {
                call.run();
            } finally {
                permits.release();
                pending.decrementAndGet();
            }
        });
        return true;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
