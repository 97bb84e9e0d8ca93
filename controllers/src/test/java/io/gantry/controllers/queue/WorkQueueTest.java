package io.gantry.controllers.queue;

import io.gantry.controllers.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WorkQueueTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final WorkQueue queue = new WorkQueue(clock,
            new ExponentialFailureRateLimiter(Duration.ofMillis(5), Duration.ofSeconds(1000)));

    @Test
    void deduplicatesKeysInOrder() {
        queue.add("a");
        queue.add("b");
        queue.add("a");
        assertThat(queue.length()).isEqualTo(2);
        assertThat(queue.tryGet()).contains("a");
        assertThat(queue.tryGet()).contains("b");
        assertThat(queue.tryGet()).isEmpty();
    }

    @Test
    void keyBeingProcessedIsNotHandedOutTwiceAndComesBackAfterDone() {
        queue.add("a");
        assertThat(queue.tryGet()).contains("a");
        queue.add("a");
        assertThat(queue.tryGet()).isEmpty();
        queue.add("a");
        queue.done("a");
        assertThat(queue.tryGet()).contains("a");
        queue.done("a");
        assertThat(queue.tryGet()).isEmpty();
    }

    @Test
    void delayedKeysBecomeReadyByTheClock() {
        queue.addAfter("a", Duration.ofSeconds(10));
        queue.addAfter("a", Duration.ofSeconds(5));
        assertThat(queue.tryGet()).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(queue.tryGet()).contains("a");
        queue.done("a");
        clock.advance(Duration.ofSeconds(10));
        assertThat(queue.tryGet()).isEmpty();
    }

    @Test
    void rateLimitedRetriesBackOffAndForgetResets() {
        queue.addRateLimited("a");
        assertThat(queue.tryGet()).isEmpty();
        clock.advance(Duration.ofMillis(5));
        assertThat(queue.tryGet()).contains("a");
        queue.done("a");
        queue.addRateLimited("a");
        clock.advance(Duration.ofMillis(5));
        assertThat(queue.tryGet()).isEmpty();
        clock.advance(Duration.ofMillis(5));
        assertThat(queue.tryGet()).contains("a");
        queue.done("a");
        assertThat(queue.numRequeues("a")).isEqualTo(2);
        queue.forget("a");
        assertThat(queue.numRequeues("a")).isZero();
    }

    @Test
    void blockedGetWakesOnAddAndOnShutDown() throws Exception {
        CompletableFuture<Optional<String>> got = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.get();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        queue.add("x");
        assertThat(got.get(5, TimeUnit.SECONDS)).contains("x");
        CompletableFuture<Optional<String>> none = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.get();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        queue.shutDown();
        assertThat(none.get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void blockedGetSeesDelayedKeyWhenTheClockMoves() throws Exception {
        queue.addAfter("later", Duration.ofMinutes(1));
        CompletableFuture<Optional<String>> got = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.get();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(got).isNotDone();
        clock.advance(Duration.ofMinutes(1));
        assertThat(got.get(5, TimeUnit.SECONDS)).contains("later");
    }
}
