package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One worker per pod, as the kubelet's pod workers: a pod's syncs never overlap, a change that arrives during a
 * sync makes exactly one more sync, and unrelated pods never wait for each other (each worker is a virtual thread;
 * pulling an image or stopping a container with a long grace period blocks only its own pod).
 */
final class PodWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);
    /** How often a pod with nothing happening is looked at anyway: container exits are also signalled directly. */
    static final Duration RESYNC = Duration.ofSeconds(10);

    /** Syncs one pod: given its latest object, says when to look again. */
    interface Sync {
        /**
         * @param pod     the latest object, or null when the agent never saw one (a leftover of an earlier run)
         * @param deleted the pod is gone from the API: {@code pod} is its last state
         * @return when to sync again without a change; empty when the pod is gone for good and its worker ends
         */
        Optional<Duration> sync(String uid, ObjectNode pod, boolean deleted);
    }

    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final java.util.function.BiFunction<String, java.util.function.Supplier<ObjectNode>, Sync> syncs;
    private volatile boolean closed;

    /**
     * @param syncForUid makes the sync of a pod, given its uid and what the worker last heard of the pod (so that a
     *                   long step, such as waiting out a grace period, can notice a change that came meanwhile)
     */
    PodWorkers(java.util.function.BiFunction<String, java.util.function.Supplier<ObjectNode>, Sync> syncForUid) {
        this.syncs = syncForUid;
    }

    /** The pod was added or changed. */
    void update(String uid, ObjectNode pod) {
        offer(uid, pod, false);
    }

    /** The pod is gone from the API; {@code lastState} is what it was, or null when unknown. */
    void deleted(String uid, ObjectNode lastState) {
        offer(uid, lastState, true);
    }

    private void offer(String uid, ObjectNode pod, boolean gone) {
        if (closed) {
            return;
        }
        Worker w = workers.computeIfAbsent(uid, u -> {
            Worker created = new Worker(u);
            created.thread = Thread.ofVirtual().name("pod-" + u).unstarted(created::run);
            return created;
        });
        w.offer(pod, gone);
        w.startOnce();
    }

    /** Something outside the API changed for the pod (a container exited): sync it soon. False: it has no worker. */
    boolean poke(String uid) {
        Worker w = workers.get(uid);
        if (w != null) {
            w.offer(null, false);
        }
        return w != null;
    }

    @Override
    public void close() {
        closed = true;
        workers.values().forEach(w -> w.thread.interrupt());
    }

    private final class Worker {
        final String uid;
        final Sync sync;
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        Thread thread;
        boolean started;
        ObjectNode latest;
        boolean deleted;
        boolean dirty = true;

        Worker(String uid) {
            this.uid = uid;
            this.sync = syncs.apply(uid, this::latest);
        }

        ObjectNode latest() {
            lock.lock();
            try {
                return latest;
            } finally {
                lock.unlock();
            }
        }

        void offer(ObjectNode pod, boolean gone) {
            lock.lock();
            try {
                if (pod != null) {
                    latest = pod;
                }
                if (gone) {
                    deleted = true;
                }
                dirty = true;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        void startOnce() {
            lock.lock();
            try {
                if (!started) {
                    started = true;
                    thread.start();
                }
            } finally {
                lock.unlock();
            }
        }

        void run() {
            Duration wait = Duration.ZERO;
            while (!closed) {
                ObjectNode pod;
                boolean gone;
                lock.lock();
                try {
                    long nanos = wait.toNanos();
                    while (!dirty && nanos > 0) {
                        nanos = changed.awaitNanos(nanos);
                    }
                    dirty = false;
                    pod = latest;
                    gone = deleted;
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
                Optional<Duration> next;
                try {
                    next = sync.sync(uid, pod, gone);
                } catch (RuntimeException e) {
                    LOG.warn("syncing pod {} failed: {}", uid, e.toString());
                    LOG.debug("sync failure", e);
                    next = Optional.of(Duration.ofSeconds(2));
                }
                if (next.isEmpty()) {
                    lock.lock();
                    try {
                        if (!dirty || deleted) {
                            workers.remove(uid, this);
                            return;
                        }
                    } finally {
                        lock.unlock();
                    }
                    next = Optional.of(Duration.ZERO);
                }
                wait = next.get();
                if (wait.isNegative() || wait.isZero()) {
                    wait = Duration.ofMillis(1);
                }
                if (wait.compareTo(RESYNC) > 0) {
                    wait = RESYNC;
                }
            }
        }
    }
}
