package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeColumns;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.Resources;
import io.gantry.scheduler.framework.ScorePlugin;
import io.gantry.scheduler.framework.ScoringStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Requests against what is left of the node's allocatable resources and pod count; scores cpu and memory by
 * the configured strategy, counting unset requests as Kubernetes' defaults (100m, 200Mi).
 */
public final class NodeResourcesFit implements FilterPlugin, ScorePlugin {
    private final ScoringStrategy strategy;

    public NodeResourcesFit(ScoringStrategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public String name() {
        return "NodeResourcesFit";
    }

    @Override
    public FilterResult filter(CycleState state, PodInfo pod, NodeInfo node) {
        Resources want = pod.requests();
        // This runs for hundreds of nodes per pod: it reads the node's free amounts, kept in the NodeInfo itself,
        // and gathers reasons only for a node that does not fit.
        boolean fits = node.freePods() >= 1
                && (want.milliCpu <= 0 || want.milliCpu <= node.freeMilliCpu())
                && (want.memory <= 0 || want.memory <= node.freeMemory())
                && (want.ephemeralStorage <= 0 || want.ephemeralStorage <= node.freeEphemeralStorage())
                && (want.scalar.isEmpty()
                        || insufficientScalars(want, node.allocatable(), node.requested()).isEmpty());
        return fits ? FilterResult.FIT : new FilterResult(reasons(want, node.allocatable(), node.requested(), node));
    }

    private static List<String> reasons(Resources want, Resources alloc, Resources used, NodeInfo node) {
        List<String> reasons = new ArrayList<>(1);
        if (node.podCount() + 1 > node.allocatablePods()) {
            reasons.add("Too many pods");
        }
        if (want.milliCpu > 0 && want.milliCpu > alloc.milliCpu - used.milliCpu) {
            reasons.add("Insufficient cpu");
        }
        if (want.memory > 0 && want.memory > alloc.memory - used.memory) {
            reasons.add("Insufficient memory");
        }
        if (want.ephemeralStorage > 0 && want.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
            reasons.add("Insufficient ephemeral-storage");
        }
        reasons.addAll(insufficientScalars(want, alloc, used));
        return reasons;
    }

    private static List<String> insufficientScalars(Resources want, Resources alloc, Resources used) {
        List<String> reasons = new ArrayList<>(0);
        for (Map.Entry<String, Long> e : want.scalar.entrySet()) {
            if (e.getValue() > 0 && e.getValue() > alloc.scalar(e.getKey()) - used.scalar(e.getKey())) {
                reasons.add("Insufficient " + e.getKey());
            }
        }
        return reasons;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        return score(pod, node.allocatableMilliCpu(), node.allocatableMemory(), node.nonZeroMilliCpu(),
                node.nonZeroMemory());
    }

    /** The same score from the node's columns. */
    public long score(PodInfo pod, NodeColumns columns, int slot) {
        return score(pod, columns.allocatableMilliCpu(slot), columns.allocatableMemory(slot),
                columns.nonZeroMilliCpu(slot), columns.nonZeroMemory(slot));
    }

    private long score(PodInfo pod, long cpuAlloc, long memAlloc, long nodeCpu, long nodeMemory) {
        long cpuReq = nodeCpu + pod.nonZeroMilliCpu();
        long memReq = nodeMemory + pod.nonZeroMemory();
        return switch (strategy) {
            case LEAST_ALLOCATED -> (least(cpuReq, cpuAlloc) + least(memReq, memAlloc)) / 2;
            case MOST_ALLOCATED -> (most(cpuReq, cpuAlloc) + most(memReq, memAlloc)) / 2;
            case BALANCED_ALLOCATION -> balanced(cpuReq, cpuAlloc, memReq, memAlloc);
        };
    }

    private static long least(long requested, long capacity) {
        if (capacity <= 0 || requested > capacity) {
            return 0;
        }
        return outOfMaxScore(capacity - requested, capacity);
    }

    private static long most(long requested, long capacity) {
        if (capacity <= 0) {
            return 0;
        }
        return outOfMaxScore(Math.min(requested, capacity), capacity);
    }

    /** Below this capacity a double division gives exactly the long one's result (see outOfMaxScore). */
    static final long EXACT_IN_DOUBLE = 1L << 46;

    /**
     * {@code part * MAX_SCORE / capacity} as Kubernetes computes it in int64, for 0 <= part <= capacity.
     * <p>
     * This runs twice for each of hundreds of nodes per pod, and a 64-bit integer division is several times
     * slower than a double one. Below 2^46 the two agree: numerator and capacity are exact doubles, the quotient
     * is rounded correctly, and a quotient that is not a whole number lies at least 1/capacity (more than 2^-46)
     * from the nearest one, farther than half a unit in the last place of any value up to MAX_SCORE (2^-47), so
     * rounding never carries it across a whole number and the cast truncates as the integer division does.
     * Larger capacities (memory of 64 TiB and more) take the integer division.
     */
    static long outOfMaxScore(long part, long capacity) {
        if (capacity < EXACT_IN_DOUBLE) {
            return (long) ((double) (part * MAX_SCORE) / capacity);
        }
        return part * MAX_SCORE / capacity;
    }

    /** Kubernetes' BalancedAllocation: 100 * (1 - standard deviation of the used fractions). */
    private static long balanced(long cpuReq, long cpuAlloc, long memReq, long memAlloc) {
        double cpu = cpuAlloc <= 0 ? 1 : Math.min(1, (double) cpuReq / cpuAlloc);
        double mem = memAlloc <= 0 ? 1 : Math.min(1, (double) memReq / memAlloc);
        double std = Math.abs(cpu - mem) / 2;
        return (long) ((1 - std) * MAX_SCORE);
    }
}
