package io.gantry.agent.node;

import io.gantry.client.Informer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Level-triggered reconciliation of node state (rules, routes) with what informers hold: every change wakes one
 * run, which takes whatever changed meanwhile along. The first run, the run after a failure and one every resync
 * period are full ones (they rewrite everything, in case something else touched it); others may write only what
 * changed. A failed run is retried after a second.
 */
final class SyncLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** One run; {@code full} asks to rewrite everything rather than what changed since the last run. */
    interface Sync {
        void sync(boolean full) throws IOException, InterruptedException;
    }

    private final String name;
    private final Sync sync;
    private final Duration resync;
    private final Semaphore dirty = new Semaphore(0);
    private volatile boolean closed;
    private Thread thread;

    SyncLoop(String name, Duration resync, Sync sync) {
        this.name = name;
        this.resync = resync;
        this.sync = sync;
    }

    /** Asks for a run soon. */
    void changed() {
        dirty.release();
    }

    /** An informer handler that asks for a run on every event. */
    Informer.Handler onAnyEvent() {
        return onAnyEvent(this::changed);
    }

    /** An informer handler that calls {@code changed} (which should ask for a run) on every event. */
    static Informer.Handler onAnyEvent(Runnable changed) {
        return new Informer.Handler() {
            @Override
            public void onAdd(com.fasterxml.jackson.databind.node.ObjectNode object) {
                changed.run();
            }

            @Override
            public void onUpdate(com.fasterxml.jackson.databind.node.ObjectNode oldObject,
                                 com.fasterxml.jackson.databind.node.ObjectNode newObject) {
                changed.run();
            }

            @Override
            public void onDelete(com.fasterxml.jackson.databind.node.ObjectNode object) {
                changed.run();
            }
        };
    }

    /** Starts running once all {@code sources} listed: state made from half a list would cut off what is there. */
    SyncLoop start(List<Informer> sources) {
        thread = Thread.ofVirtual().name(name).start(() -> run(sources));
        return this;
    }

    private void run(List<Informer> sources) {
        try {
            for (Informer source : sources) {
                // never on a partial list: rules made from it would cut off (or open up) what is there
                while (!source.awaitSynced(Duration.ofMinutes(1))) {
                    if (closed) {
                        return;
                    }
                    LOG.warn("{}: still waiting for the first full list", name);
                }
            }
        } catch (InterruptedException e) {
            return;
        }
        Duration wait = Duration.ZERO;
        boolean failed = true;
        long lastFull = 0;
        while (!closed) {
            try {
                if (dirty.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    dirty.drainPermits();
                }
                if (closed) {
                    return;
                }
                // a full run once a period however busy the cluster is, and after a failure
                boolean full = failed || System.nanoTime() - lastFull >= resync.toNanos();
                sync.sync(full);
                if (full) {
                    lastFull = System.nanoTime();
                }
                failed = false;
                wait = resync.minusNanos(System.nanoTime() - lastFull);
                wait = wait.isNegative() ? Duration.ZERO : wait;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: could not sync, retrying: {}", name, e.getMessage());
                failed = true;
                wait = RETRY;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
