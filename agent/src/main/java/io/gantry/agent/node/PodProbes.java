package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The startup, liveness and readiness probes of one pod's containers, each on a virtual thread of its own per
 * container instance, as the kubelet's probe workers: after {@code initialDelaySeconds}, one probe every
 * {@code periodSeconds} with {@code timeoutSeconds}; {@code successThreshold} successes in a row make a result
 * pass, {@code failureThreshold} failures make it fail. Liveness and readiness wait for the startup probe to
 * pass. Every failed probe is reported ({@code Unhealthy}); every change of a result wakes the pod's worker,
 * which restarts a container whose liveness (or startup) failed and reports readiness in the pod's status.
 */
final class PodProbes implements AutoCloseable {
    /** Reports a failed probe: the container's name and the event's message. */
    interface Unhealthy {
        void report(String container, String message);
    }

    enum Kind {
        STARTUP("Startup", "startupProbe"), LIVENESS("Liveness", "livenessProbe"), READINESS("Readiness", "readinessProbe");

        final String title;
        final String field;

        Kind(String title, String field) {
            this.title = title;
            this.field = field;
        }
    }

    private final Runnable changed;
    private final Unhealthy unhealthy;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();

    /** @param changed wakes the pod's worker */
    PodProbes(Runnable changed, Unhealthy unhealthy) {
        this.changed = changed;
        this.unhealthy = unhealthy;
    }

    /**
     * Probes the container's instance {@code containerId} from now on, unless that is done already (ending the
     * probes of an instance before it): for a new instance, and for one an earlier run of the agent started.
     */
    void ensure(String container, String containerId, JsonNode spec, String podIp, ContainerEngine engine) {
        Instance current = instances.get(container);
        if (current != null && current.containerId.equals(containerId)) {
            return;
        }
        Instance instance = new Instance(container, containerId, spec, podIp, engine);
        Instance before = instances.put(container, instance);
        if (before != null) {
            before.stop();
        }
        instance.start();
    }

    /** Stops probing the container (its instance ended). */
    void stop(String container) {
        Instance instance = instances.remove(container);
        if (instance != null) {
            instance.stop();
        }
    }

    /** Whether the container counts as started: its startup probe passed, or it has none. */
    boolean started(String container) {
        Instance instance = instances.get(container);
        return instance == null || instance.started;
    }

    /** Whether the container counts as ready: started, and its readiness probe passed (or it has none). */
    boolean ready(String container) {
        Instance instance = instances.get(container);
        return instance == null || instance.started && instance.ready;
    }

    /** Why the container must be restarted (its liveness or startup probe failed), or null. */
    String restartReason(String container) {
        Instance instance = instances.get(container);
        return instance == null ? null : instance.restartReason;
    }

    /** The grace period for a restart the probe asked for: the probe's own, when it names one. */
    long probeGraceSeconds(String container, long podGrace) {
        Instance instance = instances.get(container);
        if (instance == null || instance.restartKind == null) {
            return podGrace;
        }
        return instance.spec.path(instance.restartKind.field).path("terminationGracePeriodSeconds").asLong(podGrace);
    }

    @Override
    public void close() {
        instances.values().forEach(Instance::stop);
        instances.clear();
    }

    /** The probes of one container instance. */
    private final class Instance {
        final String container;
        final String containerId;
        final JsonNode spec;
        final String podIp;
        final ContainerEngine engine;
        volatile boolean started;
        volatile boolean ready;
        volatile String restartReason;
        volatile Kind restartKind;
        volatile boolean stopped;
        private final java.util.List<Thread> threads = new java.util.ArrayList<>();

        Instance(String container, String containerId, JsonNode spec, String podIp, ContainerEngine engine) {
            this.container = container;
            this.containerId = containerId;
            this.spec = spec;
            this.podIp = podIp;
            this.engine = engine;
            this.started = !has(Kind.STARTUP);
            this.ready = !has(Kind.READINESS);
        }

        boolean has(Kind kind) {
            JsonNode probe = spec.path(kind.field);
            return probe.isObject() && !probe.isEmpty();
        }

        synchronized void start() {
            for (Kind kind : Kind.values()) {
                if (has(kind)) {
                    threads.add(Thread.ofVirtual().name("probe-" + kind.field + "-" + container)
                            .start(() -> run(kind, spec.path(kind.field))));
                }
            }
        }

        synchronized void stop() {
            stopped = true;
            threads.forEach(Thread::interrupt);
        }

        private void run(Kind kind, JsonNode probe) {
            Duration period = Duration.ofSeconds(Math.max(1, probe.path("periodSeconds").asInt(10)));
            Duration timeout = Duration.ofSeconds(Math.max(1, probe.path("timeoutSeconds").asInt(1)));
            int successThreshold = Math.max(1, probe.path("successThreshold").asInt(1));
            int failureThreshold = Math.max(1, probe.path("failureThreshold").asInt(3));
            int successes = 0;
            int failures = 0;
            try {
                Thread.sleep(Duration.ofSeconds(Math.max(0, probe.path("initialDelaySeconds").asInt(0))));
                while (!stopped) {
                    if (kind == Kind.STARTUP && started) {
                        return; // a startup probe is done once it passed
                    }
                    if (kind != Kind.STARTUP && !started) {
                        Thread.sleep(period);
                        continue;
                    }
                    Prober.Result result = Prober.run(probe, spec, podIp, engine, containerId, timeout);
                    if (stopped) {
                        return;
                    }
                    if (result.success()) {
                        failures = 0;
                        if (++successes >= successThreshold) {
                            passed(kind);
                        }
                    } else {
                        successes = 0;
                        unhealthy.report(container, kind.title + " probe failed: " + result.output());
                        if (++failures >= failureThreshold) {
                            failed(kind);
                            if (kind != Kind.READINESS) {
                                return; // the container is restarted: its next instance gets probes of its own
                            }
                        }
                    }
                    Thread.sleep(period);
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }

        private void passed(Kind kind) {
            if (kind == Kind.STARTUP && !started) {
                started = true;
                changed.run();
            } else if (kind == Kind.READINESS && !ready) {
                ready = true;
                changed.run();
            }
        }

        private void failed(Kind kind) {
            switch (kind) {
                case READINESS -> {
                    if (ready) {
                        ready = false;
                        changed.run();
                    }
                }
                case LIVENESS, STARTUP -> {
                    restartKind = kind;
                    restartReason = "Container " + container + " failed " + kind.title.toLowerCase(java.util.Locale.ROOT)
                            + " probe, will be restarted";
                    changed.run();
                }
            }
        }
    }
}
