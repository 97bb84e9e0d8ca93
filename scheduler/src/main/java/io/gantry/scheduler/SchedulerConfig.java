package io.gantry.scheduler;

import io.gantry.scheduler.framework.ScoringStrategy;

import java.time.Duration;

/**
 * Scheduler settings.
 *
 * @param scoringStrategy          how NodeResourcesFit ranks nodes
 * @param percentageOfNodesToScore 0 for Kubernetes' adaptive percentage (50% minus 1% per 125 nodes, at least
 *                                 5%); never fewer than 100 nodes are looked for
 * @param randomSeed               seed for breaking ties between equally scored nodes, or null for a random one
 * @param retryInterval            how long a pod stays in the unschedulable set before it is retried anyway
 * @param schedulerName            pods with this spec.schedulerName (or none) are scheduled
 * @param maxConcurrentApiCalls    bindings, events and status writes in flight at once; over HTTP/1.1 each one
 *                                 holds a connection, so an unbounded burst opens hundreds of them
 */
public record SchedulerConfig(ScoringStrategy scoringStrategy, int percentageOfNodesToScore, Long randomSeed,
                              Duration retryInterval, String schedulerName, int maxConcurrentApiCalls) {
    public SchedulerConfig {
        if (maxConcurrentApiCalls < 1) {
            throw new IllegalArgumentException("maxConcurrentApiCalls must be positive");
        }
    }

    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

    public static SchedulerConfig defaults() {
        return new SchedulerConfig(ScoringStrategy.LEAST_ALLOCATED, 0, null, Duration.ofSeconds(30),
                DEFAULT_SCHEDULER_NAME, 64);
    }

    public SchedulerConfig withScoringStrategy(ScoringStrategy strategy) {
        return new SchedulerConfig(strategy, percentageOfNodesToScore, randomSeed, retryInterval, schedulerName, maxConcurrentApiCalls);
    }

    public SchedulerConfig withPercentageOfNodesToScore(int percentage) {
        return new SchedulerConfig(scoringStrategy, percentage, randomSeed, retryInterval, schedulerName, maxConcurrentApiCalls);
    }

    public SchedulerConfig withRandomSeed(Long seed) {
        return new SchedulerConfig(scoringStrategy, percentageOfNodesToScore, seed, retryInterval, schedulerName, maxConcurrentApiCalls);
    }

    public SchedulerConfig withRetryInterval(Duration interval) {
        return new SchedulerConfig(scoringStrategy, percentageOfNodesToScore, randomSeed, interval, schedulerName, maxConcurrentApiCalls);
    }
}
