package io.gantry.scheduler.framework;

/** How NodeResourcesFit ranks nodes by their requested cpu and memory. */
public enum ScoringStrategy {
    /** Prefer emptier nodes (spreads load); Kubernetes' default. */
    LEAST_ALLOCATED,
    /** Prefer fuller nodes (bin packing). */
    MOST_ALLOCATED,
    /** Prefer nodes whose cpu and memory use stay at similar fractions. */
    BALANCED_ALLOCATION
}
