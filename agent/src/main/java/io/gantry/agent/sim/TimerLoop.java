package io.gantry.agent.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One virtual thread that fires every timer of the simulation (heartbeats of thousands of nodes, pod exits and
 * restarts) when the clock reaches its due time, and hands the action to {@code dispatcher} (the bounded
 * request pool) so a slow API call never holds up other timers. Due times come from the injected clock, which the
 * loop polls at least every 50 ms, so a test clock that jumps forward is noticed promptly.
 */
final class TimerLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimerLoop.class);
    private static final long MAX_WAIT_MILLIS = 50;

    private record Entry(Instant due, long sequence, Runnable action) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private final Clock clock;
    private final Consumer<Runnable> dispatcher;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    TimerLoop(Clock clock, Consumer<Runnable> dispatcher) {
        this.clock = clock;
        this.dispatcher = dispatcher;
    }

    void start() {
        running = true;
        thread = Thread.ofVirtual().name("sim-timers").start(this::run);
    }

    void schedule(Instant due, Runnable action) {
        lock.lock();
        try {
            Entry entry = new Entry(due, sequence.incrementAndGet(), action);
            queue.add(entry);
            if (queue.peek() == entry) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    void after(Duration delay, Runnable action) {
        schedule(clock.instant().plus(delay), action);
    }

    int pending() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (running) {
            Runnable due = null;
            lock.lock();
            try {
                Entry head = queue.peek();
                Instant now = clock.instant();
                if (head != null && !head.due().isAfter(now)) {
                    due = queue.poll().action();
                } else {
                    long wait = head == null ? MAX_WAIT_MILLIS
                            : Math.max(1, Math.min(MAX_WAIT_MILLIS, Duration.between(now, head.due()).toMillis()));
                    changed.await(wait, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (due != null) {
                try {
                    dispatcher.accept(due);
                } catch (RuntimeException e) {
                    LOG.warn("timer dispatch failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
