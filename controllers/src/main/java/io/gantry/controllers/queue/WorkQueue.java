package io.gantry.controllers.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * client-go's rate-limited delaying work queue of object keys. A key waits in the queue at most once (dirty set);
 * a key being processed is not handed to a second worker, and if it is added again meanwhile it comes back
 * after {@link #done}. Delayed keys become ready by the injected clock; blocked {@link #get} callers re-check
 * at least every {@link #POLL} of real time, so a controllable clock works without signals.
 */
public final class WorkQueue {
    private static final Duration POLL = Duration.ofMillis(50);

    private final Clock clock;
    private final RateLimiter rateLimiter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    /** Each delayed key's earliest due time; {@link #due} orders them (entries that lost to an earlier time stay there until popped). */
    private final Map<String, Instant> waiting = new HashMap<>();
    private final PriorityQueue<Due> due = new PriorityQueue<>(Comparator.comparing(Due::at));
    private boolean shutDown;

    private record Due(Instant at, String key) {
    }

    public WorkQueue(Clock clock, RateLimiter rateLimiter) {
        this.clock = clock;
        this.rateLimiter = rateLimiter;
    }

    public void add(String key) {
        lock.lock();
        try {
            addLocked(key);
        } finally {
            lock.unlock();
        }
    }

    private void addLocked(String key) {
        if (shutDown || dirty.contains(key)) {
            return;
        }
        dirty.add(key);
        if (!processing.contains(key)) {
            queue.addLast(key);
            changed.signal();
        }
    }

    /** Adds the key once {@code delay} has passed (the earliest of several pending delays wins). */
    public void addAfter(String key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            Instant at = clock.instant().plus(delay);
            Instant pending = waiting.get(key);
            if (pending == null || at.isBefore(pending)) {
                waiting.put(key, at);
                due.add(new Due(at, key));
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Adds the key after the rate limiter's delay for it (a failed attempt). */
    public void addRateLimited(String key) {
        addAfter(key, rateLimiter.when(key));
    }

    /** The key succeeded: its backoff starts over. */
    public void forget(String key) {
        rateLimiter.forget(key);
    }

    public int numRequeues(String key) {
        return rateLimiter.numRequeues(key);
    }

    /** Blocks until a key is ready; empty once the queue is shut down and drained. */
    public Optional<String> get() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                Optional<String> key = pollLocked();
                if (key.isPresent() || shutDown) {
                    return key;
                }
                changed.await(waitNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A ready key without blocking, or empty. */
    public Optional<String> tryGet() {
        lock.lock();
        try {
            return pollLocked();
        } finally {
            lock.unlock();
        }
    }

    private Optional<String> pollLocked() {
        promoteReady();
        String key = queue.pollFirst();
        if (key == null) {
            return Optional.empty();
        }
        processing.add(key);
        dirty.remove(key);
        return Optional.of(key);
    }

    private long waitNanos() {
        long poll = POLL.toNanos();
        Due next = nextDue();
        if (next != null) {
            poll = Math.min(poll, Math.max(1, Duration.between(clock.instant(), next.at()).toNanos()));
        }
        return poll;
    }

    private void promoteReady() {
        if (waiting.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        for (Due next = nextDue(); next != null && !next.at().isAfter(now); next = nextDue()) {
            due.poll();
            waiting.remove(next.key());
            addLocked(next.key());
        }
    }

    /** The earliest live entry of {@link #due}, dropping those superseded by an earlier time for their key. */
    private Due nextDue() {
        for (Due next = due.peek(); next != null; next = due.peek()) {
            if (next.at().equals(waiting.get(next.key()))) {
                return next;
            }
            due.poll();
        }
        return null;
    }

    /** The worker finished the key; if it was added meanwhile it is queued again. */
    public void done(String key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key)) {
                queue.addLast(key);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    public int length() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isShutDown() {
        lock.lock();
        try {
            return shutDown;
        } finally {
            lock.unlock();
        }
    }
}
