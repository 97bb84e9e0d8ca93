package io.gantry.agent.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs API calls on virtual threads, at most {@code limit} at a time: waiting tasks cost a parked virtual thread,
 * not a platform thread, so 5,000 nodes' heartbeats and their pods' status writes queue cheaply while the server
 * and the connection pool see a bounded load.
 */
final class RequestPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestPool.class);
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("sim-request-", 0).factory());
    private final Semaphore permits;

    RequestPool(int limit) {
        this.permits = new Semaphore(limit);
    }

    Future<?> submit(Runnable task) {
        return threads.submit(() -> {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.debug("simulated node request failed: {}", e.toString());
            } finally {
                permits.release();
            }
        });
    }

    @Override
    public void close() {
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
