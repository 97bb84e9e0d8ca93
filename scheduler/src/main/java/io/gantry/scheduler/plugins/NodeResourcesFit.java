package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
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
        Resources alloc = node.allocatable();
        Resources used = node.requested();
        boolean fits = node.podCount() + 1 <= node.allocatablePods()
                && (want.milliCpu <= 0 || want.milliCpu <= alloc.milliCpu - used.milliCpu)
                && (want.memory <= 0 || want.memory <= alloc.memory - used.memory)
                && (want.ephemeralStorage <= 0 || want.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage)
                && (want.scalar.isEmpty() || insufficientScalars(want, alloc, used).isEmpty());
        // This runs for hundreds of nodes per pod: the reasons are only gathered for a node that does not fit.
        return fits ? FilterResult.FIT : new FilterResult(reasons(want, alloc, used, node));
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
        long cpuAlloc = node.allocatable().milliCpu;
        long memAlloc = node.allocatable().memory;
        long cpuReq = node.nonZeroMilliCpu() + pod.nonZeroMilliCpu();
        long memReq = node.nonZeroMemory() + pod.nonZeroMemory();
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
        return (capacity - requested) * MAX_SCORE / capacity;
    }

    private static long most(long requested, long capacity) {
        if (capacity <= 0) {
            return 0;
        }
        return Math.min(requested, capacity) * MAX_SCORE / capacity;
    }

    /** Kubernetes' BalancedAllocation: 100 * (1 - standard deviation of the used fractions). */
    private static long balanced(long cpuReq, long cpuAlloc, long memReq, long memAlloc) {
        double cpu = cpuAlloc <= 0 ? 1 : Math.min(1, (double) cpuReq / cpuAlloc);
        double mem = memAlloc <= 0 ? 1 : Math.min(1, (double) memReq / memAlloc);
        double std = Math.abs(cpu - mem) / 2;
        return (long) ((1 - std) * MAX_SCORE);
    }
}
