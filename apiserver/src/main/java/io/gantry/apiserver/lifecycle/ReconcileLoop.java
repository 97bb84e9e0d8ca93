package io.gantry.apiserver.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a level-triggered pass whenever something changed (debounced), and at least every resync period, on
 * one virtual thread. A failing pass is logged and retried on the next wake-up.
 */
abstract class ReconcileLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
    private final DirtyFlag dirty = new DirtyFlag();
    private final Duration debounce;
    private final Duration resync;
    private final String name;
    private volatile boolean running;
    private Thread thread;

    ReconcileLoop(String name, Duration debounce, Duration resync) {
        this.name = name;
        this.debounce = debounce;
        this.resync = resync;
    }

    final void changed() {
        dirty.mark();
    }

    abstract void reconcile();

    final void start() {
        running = true;
        thread = Thread.ofVirtual().name(name).start(() -> {
            while (running) {
                try {
                    dirty.await(resync.toMillis(), TimeUnit.MILLISECONDS);
                    Thread.sleep(debounce);
                    if (running) {
                        reconcile();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("{} pass failed: {}", name, e.toString());
                }
            }
        });
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
