package io.gantry.store;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one watch's events to its listener on a dedicated virtual thread.
 *
 * <p>Producers (the SQLite writer, jetcd's callback threads) only enqueue, so a slow listener delays its own
 * watch and never a writer or another watch. An optional replay runs first on the same thread, which is what
 * lets the SQLite store hand over from history to live events without reordering. The queue is unbounded:
 * a listener that never catches up costs memory rather than stalling the store.
 */
final class EventPump implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);

    /**
     * Feeds historical events to the sink before live ones; runs on the pump thread. The sink answers
     * false once the watch is closed, so a long replay can stop early.
     */
    @FunctionalInterface
    interface Replay {
        void run(Predicate<WatchEvent> sink) throws Exception;
    }

    private sealed interface Item permits Event, Stop {
    }

    private record Event(WatchEvent event) implements Item {
    }

    private record Stop() implements Item {
    }

    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final String name;
    private final long afterRevision;
    private final Consumer<WatchEvent> listener;
    private final Consumer<Throwable> onFailure;
    private volatile Runnable onClose = () -> { };
    private volatile boolean closed;

    EventPump(String name, long afterRevision, Consumer<WatchEvent> listener, Consumer<Throwable> onFailure) {
        this.onFailure = onFailure;
        this.name = name;
        this.afterRevision = afterRevision;
        this.listener = listener;
    }

    /** What closing must also undo (unregistering from the source); set before {@link #start}. */
    void onClose(Runnable action) {
        this.onClose = action;
    }

    void start(Replay replay) {
        Thread.ofVirtual().name(name).start(() -> run(replay));
    }

    void offer(WatchEvent event) {
        if (!closed) {
            queue.add(new Event(event));
        }
    }

    /** Ends the watch because the source failed, and tells the watch's owner. */
    void fail(Throwable cause) {
        if (!closed) {
            LOG.warn("watch {} stopped: {}", name, cause.toString());
            close();
            try {
                onFailure.accept(cause);
            } catch (RuntimeException e) {
                LOG.warn("watch {} failure handler failed", name, e);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            onClose.run();
        } finally {
            queue.add(new Stop());
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void run(Replay replay) {
        try {
            if (replay != null) {
                replay.run(this::deliver);
            }
            while (!closed) {
                Item item = queue.take();
                if (item instanceof Event(WatchEvent event)) {
                    deliver(event);
                } else {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(e);
        }
    }

    private boolean deliver(WatchEvent event) {
        // Events at or before the start point can arrive when a watch starts at a future revision.
        if (closed || event.revision() <= afterRevision) {
            return !closed;
        }
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("watch {} listener failed on revision {}", name, event.revision(), e);
        }
        return !closed;
    }
}
