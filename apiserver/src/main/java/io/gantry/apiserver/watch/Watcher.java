package io.gantry.apiserver.watch;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One client's view of a watch cache: a bounded queue the cache fills and the client's request thread drains.
 * A watcher that falls too far behind is terminated rather than allowed to slow down the cache; its client
 * then re-lists, as Kubernetes clients do when a watch ends.
 */
public final class Watcher implements AutoCloseable {
    static final int QUEUE_CAPACITY = 10_000;
    private static final CacheEvent CLOSED = new CacheEvent(CacheEvent.Type.DELETED, null, null, -1);

    private final BlockingQueue<CacheEvent> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY + 1);
    private final Predicate<CacheEvent> filter;
    private final Consumer<Watcher> onClose;
    private volatile boolean closed;
    private volatile boolean overflowed;

    Watcher(Predicate<CacheEvent> filter, Consumer<Watcher> onClose) {
        this.filter = filter;
        this.onClose = onClose;
    }

    /** Called by the cache under its lock; never blocks. */
    void offer(CacheEvent event) {
        if (closed || !filter.test(event)) {
            return;
        }
        if (queue.size() >= QUEUE_CAPACITY) {
            overflowed = true;
            terminate();
            return;
        }
        queue.offer(event);
    }

    /** The next event, or null when none arrived within the timeout; {@link #isDone()} tells if the watch ended. */
    public CacheEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (closed && queue.isEmpty()) {
            return null;
        }
        CacheEvent event = queue.poll(timeout, unit);
        return event == CLOSED ? null : event;
    }

    public boolean isDone() {
        return closed && (queue.isEmpty() || queue.peek() == CLOSED);
    }

    /** True if the watcher ended because its client could not keep up. */
    public boolean overflowed() {
        return overflowed;
    }

    void terminate() {
        if (!closed) {
            closed = true;
            queue.offer(CLOSED);
        }
    }

    @Override
    public void close() {
        terminate();
        onClose.accept(this);
    }
}
