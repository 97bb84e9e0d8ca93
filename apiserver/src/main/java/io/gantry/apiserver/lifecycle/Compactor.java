package io.gantry.apiserver.lifecycle;

import io.gantry.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Forgets store history older than one interval, as Kubernetes compacts etcd every five minutes: each pass
 * compacts to the revision that was current at the previous pass, so watchers and paginated lists always
 * have at least one interval of history.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
    private static final Duration INTERVAL = Duration.ofMinutes(5);
    private final Store store;
    private volatile boolean running;
    private Thread thread;

    public Compactor(Store store) {
        this.store = store;
    }

    public void begin() {
        running = true;
        thread = Thread.ofVirtual().name("compactor").start(() -> {
            long previous = store.currentRevision();
            while (running) {
                try {
                    Thread.sleep(INTERVAL);
                    long now = store.currentRevision();
                    if (previous > store.compactedRevision()) {
                        store.compact(previous);
                    }
                    previous = now;
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("compaction failed: {}", e.toString());
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
