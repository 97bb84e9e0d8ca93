package io.gantry.controllers;

import io.gantry.client.ApiClient;
import io.gantry.client.EventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Gantry's kube-controller-manager: campaigns for the Lease kube-system/gantry-controller-manager and, while it
 * leads, runs the controllers over shared informers. Losing the Lease stops every controller and informer; a new
 * term starts them afresh from a new list, so no state leaks across terms.
 */
public final class ControllerManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);

    /** Builds one controller for a leadership term. */
    public interface ControllerFactory extends Function<Term, Controller> {
    }

    /** What a controller of one leadership term may use. */
    public record Term(ApiClient client, ControllerManagerConfig config, Clock clock, SharedInformers informers,
                       EventRecorder events) {
    }

    private final ApiClient client;
    private final ControllerManagerConfig config;
    private final Clock clock;
    private final List<ControllerFactory> factories;
    private LeaderElector elector;
    private Running running;
    private boolean closed;

    private record Running(SharedInformers informers, EventRecorder events, List<Controller> controllers,
                           Thread starter) {
    }

    public ControllerManager(ApiClient client, ControllerManagerConfig config, Clock clock) {
        this(client, config, clock, Controllers.all());
    }

    /** With a chosen set of controllers (tests run one at a time). */
    public ControllerManager(ApiClient client, ControllerManagerConfig config, Clock clock,
                             List<ControllerFactory> factories) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.factories = List.copyOf(factories);
    }

    public synchronized void start() {
        if (config.leaderElect()) {
            elector = new LeaderElector(client, ControllerManagerConfig.LEASE_NAMESPACE,
                    ControllerManagerConfig.LEASE_NAME, config, clock, new LeaderElector.Callbacks() {
                @Override
                public void startedLeading() {
                    startControllers();
                }

                @Override
                public void stoppedLeading() {
                    stopControllers();
                }
            }).start();
        } else {
            startControllers();
        }
    }

    /** True while this instance runs the controllers. */
    public synchronized boolean isRunningControllers() {
        return running != null;
    }

    private synchronized void startControllers() {
        if (running != null || closed) {
            return;
        }
        SharedInformers informers = new SharedInformers(client);
        EventRecorder events = new EventRecorder(client, "controller-manager", clock);
        Term term = new Term(client, config, clock, informers, events);
        List<Controller> controllers = new ArrayList<>();
        for (ControllerFactory f : factories) {
            controllers.add(f.apply(term));
        }
        informers.start();
        Thread starter = Thread.ofVirtual().name("controller-starter").start(() -> {
            try {
                while (!informers.awaitSynced(Duration.ofSeconds(30))) {
                    LOG.warn("informers not synced yet");
                }
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (running != null && running.informers() == informers) {
                    controllers.forEach(Controller::start);
                    LOG.info("started controllers {}", controllers.stream().map(Controller::name).toList());
                }
            }
        });
        running = new Running(informers, events, controllers, starter);
    }

    private synchronized void stopControllers() {
        Running r = running;
        running = null;
        if (r == null) {
            return;
        }
        r.starter().interrupt();
        r.controllers().forEach(Controller::close);
        r.informers().close();
        r.events().close();
        LOG.info("stopped controllers");
    }

    @Override
    public void close() {
        LeaderElector e;
        synchronized (this) {
            closed = true;
            e = elector;
        }
        if (e != null) {
            e.close();
        }
        stopControllers();
    }
}
