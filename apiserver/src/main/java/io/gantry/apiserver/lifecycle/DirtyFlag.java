package io.gantry.apiserver.lifecycle;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Coalesces many change notifications into one wake-up of a level-triggered loop. */
final class DirtyFlag {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean dirty = true;

    void mark() {
        lock.lock();
        try {
            dirty = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until marked or the timeout passes, then clears the flag. */
    void await(long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (!dirty && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            dirty = false;
        } finally {
            lock.unlock();
        }
    }
}
