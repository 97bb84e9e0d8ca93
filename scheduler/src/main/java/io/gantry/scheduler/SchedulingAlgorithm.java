package io.gantry.scheduler;

import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.PreResult;
import io.gantry.scheduler.framework.ScorePlugin;
import io.gantry.scheduler.plugins.InterPodAffinity;
import io.gantry.scheduler.plugins.NodeAffinity;
import io.gantry.scheduler.plugins.NodePorts;
import io.gantry.scheduler.plugins.NodeResourcesFit;
import io.gantry.scheduler.plugins.NodeUnschedulable;
import io.gantry.scheduler.plugins.PodTopologySpread;
import io.gantry.scheduler.plugins.TaintToleration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One scheduling decision: filter nodes (stopping once enough feasible ones are found, starting where the last
 * search stopped so every node gets its turn), score them with weighted, normalized plugins, and pick the best,
 * breaking ties at random. Runs on the scheduling thread only.
 */
final class SchedulingAlgorithm {
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;

    /** Either the chosen node or why none fits. */
    sealed interface Result permits Placed, Unschedulable {
    }

    record Placed(String nodeName, int evaluated, int feasible) implements Result {
    }

    /** No node fits; {@code preemption} says which pods to evict to make room, if any. */
    record Unschedulable(FitError error, Preemption.Outcome preemption) implements Result {
        Unschedulable(FitError error) {
            this(error, new Preemption.Outcome(null, List.of(), ""));
        }
    }

    private record WeightedScore(ScorePlugin plugin, int weight) {
    }

    private final List<FilterPlugin> filters;
    private final List<WeightedScore> scorers;
    private final int percentageOfNodesToScore;
    /** Not shared between threads (unlike {@link java.util.Random}, no atomic update per draw): ties are common. */
    private final SplittableRandom random;
    private int nextStartNodeIndex;

    SchedulingAlgorithm(SchedulerConfig config) {
        NodeResourcesFit resources = new NodeResourcesFit(config.scoringStrategy());
        NodeAffinity nodeAffinity = new NodeAffinity();
        TaintToleration taints = new TaintToleration();
        InterPodAffinity podAffinity = new InterPodAffinity();
        PodTopologySpread spread = new PodTopologySpread();
        // Kubernetes' default plugin order and score weights.
        this.filters = List.of(new NodeUnschedulable(), nodeAffinity, new NodePorts(), resources, taints,
                podAffinity, spread);
        this.scorers = List.of(new WeightedScore(resources, 1), new WeightedScore(nodeAffinity, 2),
                new WeightedScore(podAffinity, 2), new WeightedScore(spread, 2), new WeightedScore(taints, 3));
        this.percentageOfNodesToScore = config.percentageOfNodesToScore();
        this.random = config.randomSeed() == null ? new SplittableRandom() : new SplittableRandom(config.randomSeed());
    }

    /** Kubernetes' numFeasibleNodesToFind. */
    int numFeasibleNodesToFind(int numAllNodes) {
        if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
            return numAllNodes;
        }
        int percentage = percentageOfNodesToScore;
        if (percentage <= 0) {
            percentage = Math.max(5, 50 - numAllNodes / 125);
        }
        if (percentage >= 100) {
            return numAllNodes;
        }
        return Math.max(MIN_FEASIBLE_NODES_TO_FIND, numAllNodes * percentage / 100);
    }

    Result schedule(PodInfo pod, ClusterView cluster) {
        List<NodeInfo> nodes = cluster.nodes();
        int all = nodes.size();
        if (all == 0) {
            return new Unschedulable(new FitError(0, Map.of()));
        }
        CycleState state = new CycleState();
        List<FilterPlugin> active = new ArrayList<>(filters.size());
        for (FilterPlugin f : filters) {
            if (f.preFilter(state, pod, cluster) == PreResult.RUN) {
                active.add(f);
            }
        }
        int wanted = numFeasibleNodesToFind(all);
        List<NodeInfo> feasible = new ArrayList<>(Math.min(wanted, all));
        List<Preemption.NodeFailure> failures = new ArrayList<>();
        int start = nextStartNodeIndex % all;
        int processed = 0;
        for (; processed < all && feasible.size() < wanted; processed++) {
            NodeInfo node = nodes.get((start + processed) % all);
            FilterResult result = runFilters(active, state, pod, node);
            if (result.fits()) {
                feasible.add(node);
            } else {
                failures.add(new Preemption.NodeFailure(node, result.reasons()));
            }
        }
        nextStartNodeIndex = (start + processed) % all;
        if (feasible.isEmpty()) {
            FitError error = FitError.of(all, failures.stream().map(Preemption.NodeFailure::reasons).toList());
            Map<String, NodeInfo> byName = new HashMap<>();
            nodes.forEach(n -> byName.put(n.name(), n));
            Preemption.Outcome outcome = Preemption.preempt(pod, all, failures,
                    n -> runFilters(active, state, pod, n).reasons(), byName::get);
            return new Unschedulable(error.withPostFilterMessage(outcome.message()), outcome);
        }
        if (feasible.size() == 1) {
            return new Placed(feasible.getFirst().name(), processed, 1);
        }
        long[] total = score(state, pod, feasible, cluster);
        return new Placed(feasible.get(selectHost(total)).name(), processed, feasible.size());
    }

    private static FilterResult runFilters(List<FilterPlugin> active, CycleState state, PodInfo pod,
                                           NodeInfo node) {
        for (FilterPlugin f : active) {
            FilterResult r = f.filter(state, pod, node);
            if (!r.fits()) {
                return r;
            }
        }
        return FilterResult.FIT;
    }

    private long[] score(CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterView cluster) {
        long[] total = new long[feasible.size()];
        long[] scores = new long[feasible.size()];
        for (WeightedScore ws : scorers) {
            if (ws.plugin().preScore(state, pod, feasible, cluster) == PreResult.SKIP) {
                continue;
            }
            for (int i = 0; i < scores.length; i++) {
                scores[i] = ws.plugin().score(state, pod, feasible.get(i));
            }
            ws.plugin().normalize(state, pod, scores);
            for (int i = 0; i < scores.length; i++) {
                total[i] += scores[i] * ws.weight();
            }
        }
        return total;
    }

    /** The index of a highest score, chosen uniformly among ties (reservoir sampling, as Kubernetes does). */
    private int selectHost(long[] total) {
        int best = 0;
        int ties = 1;
        for (int i = 1; i < total.length; i++) {
            if (total[i] > total[best]) {
                best = i;
                ties = 1;
            } else if (total[i] == total[best]) {
                ties++;
                if (random.nextInt(ties) == 0) {
                    best = i;
                }
            }
        }
        return best;
    }
}
