package io.gantry.scheduler;

import io.gantry.scheduler.framework.PodInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pods waiting to be scheduled: an active queue (higher priority first, then first come) and an unschedulable
 * set whose pods wait for a cluster change (or {@code retryInterval}) instead of being retried in a loop. A pod
 * that failed while a cluster change happened during its attempt goes straight back to the active queue, as
 * with Kubernetes' moveRequestCycle, so no wake-up is lost.
 */
final class SchedulingQueue {
    /** A pod handed out by {@link #pop()}, with the cycle in which it was handed out. */
    record QueuedPod(PodInfo pod, long cycle) {
    }

    private record Entry(PodInfo pod, long sequence) {
    }

    private record Parked(PodInfo pod, Instant since) {
    }

    private final Clock clock;
    private final Duration retryInterval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final PriorityQueue<Entry> active = new PriorityQueue<>(
            Comparator.comparingInt((Entry e) -> -e.pod().priority()).thenComparingLong(Entry::sequence));
    /** Current active entry per pod; entries in {@code active} not found here are stale and skipped. */
    private final Map<String, Entry> activeByKey = new HashMap<>();
    private final Map<String, Parked> unschedulable = new LinkedHashMap<>();
    private long sequence;
    private long schedulingCycle;
    private long moveRequestCycle = -1;
    private boolean closed;

    SchedulingQueue(Clock clock, Duration retryInterval) {
        this.clock = clock;
        this.retryInterval = retryInterval;
    }

    /** A new pod, or a changed one: (re)enters the active queue, leaving the unschedulable set. */
    void add(PodInfo pod) {
        lock.lock();
        try {
            unschedulable.remove(pod.key());
            pushLocked(pod);
        } finally {
            lock.unlock();
        }
    }

    /** A pod changed in a way that cannot change where it fits (e.g. its status): keep its place. */
    void refresh(PodInfo pod) {
        lock.lock();
        try {
            if (activeByKey.containsKey(pod.key())) {
                pushLocked(pod);
            } else if (unschedulable.containsKey(pod.key())) {
                unschedulable.put(pod.key(), new Parked(pod, unschedulable.get(pod.key()).since()));
            }
        } finally {
            lock.unlock();
        }
    }

    private void pushLocked(PodInfo pod) {
        Entry previous = activeByKey.get(pod.key());
        Entry e = new Entry(pod, previous != null ? previous.sequence() : sequence++);
        activeByKey.put(pod.key(), e);
        active.add(e);
        nonEmpty.signal();
    }

    void delete(String key) {
        lock.lock();
        try {
            activeByKey.remove(key);
            unschedulable.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** The next pod to schedule; waits for one. Null once closed. */
    QueuedPod pop() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return null;
                }
                Entry e = active.poll();
                if (e == null) {
                    nonEmpty.await(1, TimeUnit.SECONDS);
                    continue;
                }
                if (activeByKey.get(e.pod().key()) != e) {
                    continue;
                }
                activeByKey.remove(e.pod().key());
                return new QueuedPod(e.pod(), ++schedulingCycle);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A pod that fit nowhere (or failed to bind): parked until the cluster changes. */
    void addUnschedulable(PodInfo pod, long cycle) {
        lock.lock();
        try {
            if (activeByKey.containsKey(pod.key())) {
                return; // it changed meanwhile and was queued again
            }
            if (moveRequestCycle >= cycle) {
                pushLocked(pod);
            } else {
                unschedulable.put(pod.key(), new Parked(pod, clock.instant()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The cluster changed (node added or updated, pod deleted or finished): retry every parked pod. */
    void moveAllToActive() {
        lock.lock();
        try {
            unschedulable.values().forEach(p -> pushLocked(p.pod()));
            unschedulable.clear();
            moveRequestCycle = schedulingCycle;
        } finally {
            lock.unlock();
        }
    }

    /** Retries pods parked for at least the retry interval, like Kubernetes' periodic unschedulable flush. */
    void flushUnschedulable() {
        lock.lock();
        try {
            Instant limit = clock.instant().minus(retryInterval);
            for (Iterator<Parked> it = unschedulable.values().iterator(); it.hasNext(); ) {
                Parked p = it.next();
                if (!p.since().isAfter(limit)) {
                    it.remove();
                    pushLocked(p.pod());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    int activeCount() {
        lock.lock();
        try {
            return activeByKey.size();
        } finally {
            lock.unlock();
        }
    }

    boolean isUnschedulable(String key) {
        lock.lock();
        try {
            return unschedulable.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
