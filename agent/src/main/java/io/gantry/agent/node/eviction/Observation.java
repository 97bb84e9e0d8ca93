package io.gantry.agent.node.eviction;

/**
 * One eviction signal measured once.
 *
 * @param available what is left (bytes, inodes or pids)
 * @param capacity  the whole, which percentage thresholds are shares of
 */
public record Observation(long available, long capacity) {
}
