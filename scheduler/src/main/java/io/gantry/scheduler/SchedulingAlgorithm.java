package io.gantry.scheduler;

import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeColumns;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.PreResult;
import io.gantry.scheduler.framework.Resources;
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

    /*
     * The plugins, in Kubernetes' default order, as fields of their own classes: the filters and scores below call
     * them directly. Called through their interfaces from one call site, each call for each of 500 nodes went
     * through the JVM's interface dispatch with a target that changed from call to call, a quarter of a decision's
     * time; a direct call on a final class is resolved when the code is compiled and inlined.
     */
    private final NodeUnschedulable unschedulable = new NodeUnschedulable();
    private final NodeAffinity nodeAffinity = new NodeAffinity();
    private final NodePorts ports = new NodePorts();
    private final NodeResourcesFit resources;
    private final TaintToleration taints = new TaintToleration();
    private final InterPodAffinity podAffinity = new InterPodAffinity();
    private final PodTopologySpread spread = new PodTopologySpread();
    /** The filters in the order of {@link #runFilters}: bit i of a decision's active set stands for filter i. */
    private final List<FilterPlugin> filters;
    private final int percentageOfNodesToScore;
    /** Not shared between threads (unlike {@link java.util.Random}, no atomic update per draw): ties are common. */
    private final SplittableRandom random;
    private int nextStartNodeIndex;

    SchedulingAlgorithm(SchedulerConfig config) {
        this.resources = new NodeResourcesFit(config.scoringStrategy());
        this.filters = List.of(unschedulable, nodeAffinity, ports, resources, taints, podAffinity, spread);
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
        int active = 0;
        for (int i = 0; i < filters.size(); i++) {
            if (filters.get(i).preFilter(state, pod, cluster) == PreResult.RUN) {
                active |= 1 << i;
            }
        }
        int filtersToRun = active;
        int wanted = numFeasibleNodesToFind(all);
        List<NodeInfo> feasible = new ArrayList<>(Math.min(wanted, all));
        List<Preemption.NodeFailure> failures = new ArrayList<>();
        NodeColumns columns = cluster.columns();
        if (columns != null && columns.size() != all) {
            columns = null;
        }
        // the feasible nodes' slots, for the scores that read columns
        int[] slots = columns == null ? null : new int[Math.min(wanted, all)];
        boolean quick = columns != null && (active & ~QUICK_FILTERS) == 0 && pod.requests().scalar.isEmpty();
        int start = nextStartNodeIndex % all;
        int processed = 0;
        for (; processed < all && feasible.size() < wanted; processed++) {
            int index = (start + processed) % all;
            NodeInfo node = nodes.get(index);
            // Most nodes pass on what the columns say, without a look at the node itself; any other goes through
            // the filters, which say whether it fits and why not.
            FilterResult result = quick && fitsByColumns(pod, columns, index) ? FilterResult.FIT
                    : runFilters(active, state, pod, node);
            if (result.fits()) {
                if (slots != null) {
                    slots[feasible.size()] = index;
                }
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
                    n -> runFilters(filtersToRun, state, pod, n).reasons(), byName::get);
            return new Unschedulable(error.withPostFilterMessage(outcome.message()), outcome);
        }
        if (feasible.size() == 1) {
            return new Placed(feasible.getFirst().name(), processed, 1);
        }
        long[] total = score(state, pod, feasible, cluster, columns, slots);
        return new Placed(feasible.get(selectHost(total)).name(), processed, feasible.size());
    }

    /** The filters {@link #fitsByColumns} stands for: unschedulable, resources and taints (bits 0, 3 and 4). */
    private static final int QUICK_FILTERS = 1 | 1 << 3 | 1 << 4;

    /**
     * Whether the node passes the unschedulable, resource and taint filters by its columns alone: it is not
     * cordoned, has no NoSchedule or NoExecute taint, and has room for the pod (which requests no extended
     * resources). False means only that the filters must look at the node.
     */
    private static boolean fitsByColumns(PodInfo pod, NodeColumns columns, int slot) {
        Resources want = pod.requests();
        return (columns.flags(slot) & (NodeColumns.UNSCHEDULABLE | NodeColumns.HARD_TAINTS)) == 0
                && columns.freePods(slot) >= 1
                && (want.milliCpu <= 0 || want.milliCpu <= columns.freeMilliCpu(slot))
                && (want.memory <= 0 || want.memory <= columns.freeMemory(slot))
                && (want.ephemeralStorage <= 0 || want.ephemeralStorage <= columns.freeEphemeralStorage(slot));
    }

    /** The first filter in {@code active} that the node fails, or FIT. */
    private FilterResult runFilters(int active, CycleState state, PodInfo pod, NodeInfo node) {
        FilterResult r;
        if ((active & 1) != 0 && !(r = unschedulable.filter(state, pod, node)).fits()
                || (active & 1 << 1) != 0 && !(r = nodeAffinity.filter(state, pod, node)).fits()
                || (active & 1 << 2) != 0 && !(r = ports.filter(state, pod, node)).fits()
                || (active & 1 << 3) != 0 && !(r = resources.filter(state, pod, node)).fits()
                || (active & 1 << 4) != 0 && !(r = taints.filter(state, pod, node)).fits()
                || (active & 1 << 5) != 0 && !(r = podAffinity.filter(state, pod, node)).fits()
                || (active & 1 << 6) != 0 && !(r = spread.filter(state, pod, node)).fits()) {
            return r;
        }
        return FilterResult.FIT;
    }

    /**
     * Kubernetes' default score weights. With columns ({@code slots} holding the feasible nodes' slots), the
     * resource score, system-default spreading and the taint score of nodes without PreferNoSchedule taints read
     * them instead of the nodes.
     */
    private long[] score(CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterView cluster,
                         NodeColumns columns, int[] slots) {
        long[] total = new long[feasible.size()];
        long[] scores = new long[feasible.size()];
        if (columns == null) {
            addScores(resources, 1, state, pod, feasible, cluster, scores, total);
        } else if (resources.preScore(state, pod, feasible, cluster) != PreResult.SKIP) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = resources.score(pod, columns, slots[i]);
            }
            addWeighted(resources, 1, state, pod, scores, total);
        }
        addScores(nodeAffinity, 2, state, pod, feasible, cluster, scores, total);
        addScores(podAffinity, 2, state, pod, feasible, cluster, scores, total);
        if (columns == null) {
            addScores(spread, 2, state, pod, feasible, cluster, scores, total);
        } else if (spread.preScore(state, pod, feasible, cluster, columns, slots) != PreResult.SKIP) {
            spread.scoreAll(state, feasible, scores);
            addWeighted(spread, 2, state, pod, scores, total);
        }
        if (columns == null) {
            addScores(taints, 3, state, pod, feasible, cluster, scores, total);
        } else if (taints.preScore(state, pod, feasible, cluster) != PreResult.SKIP) {
            for (int i = 0; i < scores.length; i++) {
                // a node without PreferNoSchedule taints has none the pod does not tolerate
                scores[i] = (columns.flags(slots[i]) & NodeColumns.SOFT_TAINTS) == 0 ? 0
                        : taints.score(state, pod, feasible.get(i));
            }
            addWeighted(taints, 3, state, pod, scores, total);
        }
        return total;
    }

    /**
     * Adds one plugin's weighted, normalized scores. Small enough for the JIT to inline into each call above, where
     * the plugin's class is known, so that its call per node is direct there.
     */
    private static void addScores(ScorePlugin plugin, int weight, CycleState state, PodInfo pod,
                                  List<NodeInfo> feasible, ClusterView cluster, long[] scores, long[] total) {
        if (plugin.preScore(state, pod, feasible, cluster) == PreResult.SKIP) {
            return;
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = plugin.score(state, pod, feasible.get(i));
        }
        addWeighted(plugin, weight, state, pod, scores, total);
    }

    /** Normalizes one plugin's raw scores and adds them, weighted, to the totals. */
    private static void addWeighted(ScorePlugin plugin, int weight, CycleState state, PodInfo pod, long[] scores,
                                    long[] total) {
        plugin.normalize(state, pod, scores);
        for (int i = 0; i < scores.length; i++) {
            total[i] += scores[i] * weight;
        }
    }

    /**
     * The index of a highest score, chosen uniformly among ties, as Kubernetes' reservoir sampling chooses; but with
     * one draw per decision, not one per tie: most of hundreds of equal nodes tie, and a draw for each was a twentieth
     * of a decision.
     */
    private int selectHost(long[] total) {
        long best = Long.MIN_VALUE;
        int ties = 0;
        for (long score : total) {
            if (score > best) {
                best = score;
                ties = 1;
            } else if (score == best) {
                ties++;
            }
        }
        int pick = ties > 1 ? random.nextInt(ties) : 0;
        for (int i = 0; i < total.length; i++) {
            if (total[i] == best && pick-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no highest score among " + total.length);
    }
}
