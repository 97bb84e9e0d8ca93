package io.gantry.agent.node.eviction;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node evicts pods under pressure.
 *
 * @param hard                     the hard thresholds ({@code --eviction-hard})
 * @param pressureTransitionPeriod how long a pressure condition stays True after its signal was last past its
 *                                 threshold ({@code --eviction-pressure-transition-period}), so it does not flap
 * @param monitoringInterval       how often the signals are measured, and at most one pod is evicted (the
 *                                 kubelet's housekeeping interval)
 */
public record EvictionConfig(EvictionThresholds hard, Duration pressureTransitionPeriod, Duration monitoringInterval) {
    /** The kubelet's defaults: its thresholds, 5 minutes, 10 seconds. */
    public static final EvictionConfig KUBELET_DEFAULT = new EvictionConfig(EvictionThresholds.KUBELET_DEFAULT,
            Duration.ofMinutes(5), Duration.ofSeconds(10));

    public EvictionConfig {
        Objects.requireNonNull(hard, "hard");
        if (pressureTransitionPeriod.isNegative()) {
            throw new IllegalArgumentException("the eviction pressure transition period must not be negative");
        }
        if (monitoringInterval.isNegative() || monitoringInterval.isZero()) {
            throw new IllegalArgumentException("the eviction monitoring interval must be positive");
        }
    }
}
