package io.gantry.agent.node.eviction;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.NodeConditions.Pressure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The kubelet's eviction manager with hard thresholds: every monitoring interval it measures the node's signals,
 * updates the pressure conditions (announcing a change at once), and while a signal is past its threshold evicts
 * one pod, the first by {@link EvictionRanking} for the signal of highest priority that is not critical
 * ({@link CriticalPods}), with no grace period. For a disk signal that images share it first frees node-level
 * space (unused images) and measures again: if no threshold is past any more, no pod goes.
 */
public final class EvictionManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EvictionManager.class);

    /** Ends a pod for eviction. */
    @FunctionalInterface
    public interface Evictor {
        /**
         * Kills the pod's containers at once and reports it Failed (reason Evicted) with {@code message}; returns
         * when that is done, or has taken too long to wait for.
         */
        void evict(ObjectNode pod, String message) throws InterruptedException;
    }

    /**
     * Frees node-level disk space without ending a pod: the kubelet's image garbage collection of every unused image.
     * (Its other reclaim, deleting dead containers, has nothing to do here: a container is removed when it exits.)
     */
    @FunctionalInterface
    public interface NodeReclaimer {
        void reclaimDisk() throws InterruptedException;
    }

    /** A threshold past which a signal was seen. */
    private record Met(EvictionThreshold threshold, Observation observation) {
    }

    private final EvictionConfig config;
    private final SignalObserver signals;
    private final PodUsage usage;
    private final Supplier<List<ObjectNode>> activePods;
    private final Evictor evictor;
    private final NodeReclaimer reclaimer;
    private final PressureConditions conditions;
    private final Runnable conditionsChanged;
    private final Clock clock;
    private volatile Thread thread;
    private boolean loggedNothingToEvict;

    /**
     * @param activePods        the node's pods that may be evicted: not finished, not being deleted or evicted
     * @param conditionsChanged called after a pressure condition changed its status (to post the Node's status)
     */
    public EvictionManager(EvictionConfig config, SignalObserver signals, PodUsage usage,
                           Supplier<List<ObjectNode>> activePods, Evictor evictor, NodeReclaimer reclaimer,
                           PressureConditions conditions, Runnable conditionsChanged, Clock clock) {
        this.config = config;
        this.signals = signals;
        this.usage = usage;
        this.activePods = activePods;
        this.evictor = evictor;
        this.reclaimer = reclaimer;
        this.conditions = conditions;
        this.conditionsChanged = conditionsChanged;
        this.clock = clock;
    }

    public EvictionManager start() {
        thread = Thread.ofVirtual().name("eviction-manager").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    synchronize();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("eviction manager pass failed: {}", e.toString());
                }
                try {
                    Thread.sleep(config.monitoringInterval());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** One monitoring pass; the pod it evicted, if it did. */
    public Optional<ObjectNode> synchronize() throws InterruptedException {
        Instant now = clock.instant();
        List<Met> met = thresholdsMet();
        Set<Pressure> pressures = EnumSet.noneOf(Pressure.class);
        met.forEach(m -> pressures.add(m.threshold().signal().pressure()));
        if (conditions.observe(pressures, now)) {
            LOG.info("node pressure conditions now: {}", conditions.states());
            conditionsChanged.run();
        }
        if (met.isEmpty()) {
            loggedNothingToEvict = false;
            return Optional.empty();
        }
        Met reason = met.getFirst();
        EvictionSignal signal = reason.threshold().signal();
        ImageFs imageFs = signals.imageFs();
        if (imageFs.imagesRelieve(signal)) {
            reclaimer.reclaimDisk();
            if (thresholdsMet().isEmpty()) {
                LOG.info("{} was past its threshold ({}): freeing unused images was enough, no pod evicted",
                        signal.text(), reason.threshold().text());
                return Optional.empty();
            }
        }
        // the kubelet refuses to evict a critical pod and tries the next: they are never candidates
        List<EvictionRanking.Candidate> candidates = activePods.get().stream().filter(p -> !CriticalPods.is(p))
                .map(p -> new EvictionRanking.Candidate(p, usage.of(p))).toList();
        if (candidates.isEmpty()) {
            if (!loggedNothingToEvict) {
                LOG.warn("{} is past its threshold ({}) but no pod is left to evict (critical pods never are)",
                        signal.text(),
                        reason.threshold().text());
                loggedNothingToEvict = true;
            }
            return Optional.empty();
        }
        ObjectNode victim = EvictionRanking.rank(signal, imageFs, candidates).getFirst().pod();
        String message = EvictionMessage.of(reason.threshold(), reason.observation());
        LOG.warn("{} is past its threshold ({}): evicting pod {}/{}: {}", signal.text(), reason.threshold().text(),
                victim.path("metadata").path("namespace").asText(), victim.path("metadata").path("name").asText(),
                message);
        evictor.evict(victim, message);
        return Optional.of(victim);
    }

    /** Measures the signals; the thresholds they are past, in the order the manager acts on them. */
    private List<Met> thresholdsMet() {
        var observed = signals.observe();
        List<Met> met = new ArrayList<>();
        for (EvictionThreshold threshold : config.hard().inPriorityOrder()) {
            Observation observation = observed.get(threshold.signal());
            if (observation != null && threshold.metBy(observation)) {
                met.add(new Met(threshold, observation));
            }
        }
        return met;
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
