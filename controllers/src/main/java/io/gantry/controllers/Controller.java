package io.gantry.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.client.Informer;

import io.gantry.controllers.queue.MaxOfRateLimiter;
import io.gantry.controllers.queue.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A level-triggered controller: informer handlers put object keys on a rate-limited queue, N workers on virtual
 * threads take keys and {@link #reconcile} them against the informers' current state. A failed key is retried
 * with per-item backoff; a successful one is forgotten. The same key is never reconciled by two workers at once.
 */
public abstract class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    protected final Clock clock;
    protected final WorkQueue queue;
    private final String name;
    private final int workers;
    private final List<Thread> threads = new ArrayList<>();

    protected Controller(String name, int workers, Clock clock) {
        this.name = name;
        this.workers = workers;
        this.clock = clock;
        this.queue = new WorkQueue(clock, MaxOfRateLimiter.controllerDefault(clock));
    }

    public String name() {
        return name;
    }

    /** Brings the object of {@code key} ("namespace/name" or "name") to its desired state; throws to retry. */
    protected abstract void reconcile(String key) throws Exception;

    /** Called once the informers have synced, before the workers start; for periodic loops and the like. */
    protected void started() {
    }

    /**
     * A handler for the controller's own kind: an added or changed object queues its key; a deleted one goes to
     * {@code onDelete} (where controllers forget their expectations, and queue the key if they must clean up).
     */
    protected final Informer.Handler queueingOwnKey(java.util.function.Consumer<ObjectNode> onDelete) {
        return new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode object) {
                enqueue(Meta.key(object));
            }

            @Override
            public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
                enqueue(Meta.key(newObject));
            }

            @Override
            public void onDelete(ObjectNode object) {
                onDelete.accept(object);
            }
        };
    }

    public void enqueue(String key) {
        queue.add(key);
    }

    public void start() {
        started();
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofVirtual().name(name + "-worker-" + i).start(this::work));
        }
    }

    private void work() {
        while (true) {
            Optional<String> next;
            try {
                next = queue.get();
            } catch (InterruptedException e) {
                return;
            }
            if (next.isEmpty()) {
                return;
            }
            String key = next.get();
            try {
                reconcile(key);
                queue.forget(key);
            } catch (InterruptedException e) {
                queue.done(key);
                return;
            } catch (Exception e) {
                LOG.debug("{}: reconcile {} failed (retry {}): {}", name, key, queue.numRequeues(key), e.toString());
                queue.addRateLimited(key);
            } finally {
                queue.done(key);
            }
        }
    }

    @Override
    public void close() {
        queue.shutDown();
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
