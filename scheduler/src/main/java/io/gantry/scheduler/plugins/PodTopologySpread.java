package io.gantry.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.PreResult;
import io.gantry.scheduler.framework.ScorePlugin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * topologySpreadConstraints: DoNotSchedule ones filter (the skew of matching pods between the node's domain and
 * the emptiest domain, over nodes that pass the pod's node affinity and have every constraint's key, must stay
 * within maxSkew); ScheduleAnyway ones score fewer matching pods higher. A pod without constraints of its own is
 * spread softly by Kubernetes' system defaults over what its Services and controller select.
 */
public final class PodTopologySpread implements FilterPlugin, ScorePlugin {
    public static final String REASON = "node(s) didn't match pod topology spread constraints";
    public static final String MISSING_LABEL = REASON + " (missing required label)";
    private static final Object FILTER_STATE = new Object();
    private static final Object SCORE_STATE = new Object();
    static final String HOSTNAME = "kubernetes.io/hostname";
    static final String ZONE = "topology.kubernetes.io/zone";
    /** A raw score no counted node can have (those are never negative). */
    private static final long IGNORED = -1;

    /**
     * Kubernetes' system defaults, for a pod without constraints of its own that a Service or controller selects:
     * spread softly over nodes (maxSkew 3) and zones (maxSkew 5), by what selects the pod.
     */
    private static final int DEFAULT_HOSTNAME_MAX_SKEW = 3;
    private static final int DEFAULT_ZONE_MAX_SKEW = 5;

    record Constraint(String topologyKey, int maxSkew, int minDomains, LabelSelector selector) {
    }

    /** Per constraint: matching pods per domain value. */
    private record Counts(List<Constraint> constraints, List<Map<String, Integer>> perDomain) {
    }

    @Override
    public String name() {
        return "PodTopologySpread";
    }

    static List<Constraint> constraints(PodInfo pod, String whenUnsatisfiable) {
        List<Constraint> out = new ArrayList<>();
        for (JsonNode c : pod.spec().path("topologySpreadConstraints")) {
            if (c.path("whenUnsatisfiable").asText("DoNotSchedule").equals(whenUnsatisfiable)) {
                out.add(new Constraint(c.path("topologyKey").asText(), c.path("maxSkew").asInt(1),
                        c.path("minDomains").asInt(1), LabelSelector.fromJson(c.path("labelSelector"))));
            }
        }
        return out;
    }

    private static Counts count(PodInfo pod, List<Constraint> constraints, List<NodeInfo> nodes) {
        List<Map<String, Integer>> perDomain = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            perDomain.add(new HashMap<>());
        }
        if (constraints.isEmpty()) {
            return new Counts(constraints, perDomain);
        }
        for (NodeInfo node : nodes) {
            if (!NodeAffinity.matches(pod, node) || !hasAllKeys(constraints, node)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                Constraint c = constraints.get(i);
                perDomain.get(i).merge(node.labels().get(c.topologyKey()),
                        matchingPods(node, c.selector(), pod.namespace()), Integer::sum);
            }
        }
        return new Counts(constraints, perDomain);
    }

    private static boolean hasAllKeys(List<Constraint> constraints, NodeInfo node) {
        for (Constraint c : constraints) {
            if (!node.labels().containsKey(c.topologyKey())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public PreResult preFilter(CycleState state, PodInfo pod, ClusterView cluster) {
        Counts counts = count(pod, constraints(pod, "DoNotSchedule"), cluster.nodes());
        state.put(FILTER_STATE, counts);
        return counts.constraints().isEmpty() ? PreResult.SKIP : PreResult.RUN;
    }

    @Override
    public FilterResult filter(CycleState state, PodInfo pod, NodeInfo node) {
        Counts counts = state.get(FILTER_STATE);
        for (int i = 0; i < counts.constraints().size(); i++) {
            Constraint c = counts.constraints().get(i);
            String value = node.labels().get(c.topologyKey());
            if (value == null) {
                return FilterResult.unfit(MISSING_LABEL);
            }
            Map<String, Integer> domains = counts.perDomain().get(i);
            int min = domains.size() < c.minDomains() ? 0
                    : domains.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            int self = c.selector().matches(pod.labels()) ? 1 : 0;
            if (domains.getOrDefault(value, 0) + self - min > c.maxSkew()) {
                return FilterResult.unfit(REASON);
            }
        }
        return FilterResult.FIT;
    }

    /**
     * What scoring needs for one pod.
     *
     * @param perDomain   per constraint, matching pods per domain of the feasible nodes (not for hostname: those
     *                    are counted per node while scoring)
     * @param weights     per constraint, log(domains + 2), so that finer topologies count more
     * @param requireAll  a feasible node missing one of the keys is ignored (it scores 0); system defaults do not
     *                    require all, so nodes without a zone label are still spread by hostname
     */
    private record ScoreState(List<Constraint> constraints, List<Map<String, Integer>> perDomain, double[] weights,
                              boolean requireAll) {
    }

    private static List<Constraint> softConstraints(PodInfo pod, ClusterView cluster) {
        if (pod.spec().path("topologySpreadConstraints").size() > 0) {
            return constraints(pod, "ScheduleAnyway");
        }
        LabelSelector selector = cluster.ownerSelector(pod).orElse(null);
        if (selector == null) {
            return List.of();
        }
        return List.of(new Constraint(HOSTNAME, DEFAULT_HOSTNAME_MAX_SKEW, 1, selector),
                new Constraint(ZONE, DEFAULT_ZONE_MAX_SKEW, 1, selector));
    }

    @Override
    public PreResult preScore(CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterView cluster) {
        List<Constraint> constraints = softConstraints(pod, cluster);
        if (constraints.isEmpty()) {
            return PreResult.SKIP;
        }
        boolean requireAll = pod.spec().path("topologySpreadConstraints").size() > 0;
        List<Map<String, Integer>> perDomain = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            perDomain.add(new HashMap<>());
        }
        int ignored = 0;
        for (NodeInfo node : feasible) {
            if (requireAll && !hasAllKeys(constraints, node)) {
                ignored++;
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                if (!constraints.get(i).topologyKey().equals(HOSTNAME)) {
                    // as in Kubernetes, a node without the label is a domain of its own ("") for the weight
                    perDomain.get(i).putIfAbsent(node.labels().getOrDefault(constraints.get(i).topologyKey(), ""), 0);
                }
            }
        }
        double[] weights = new double[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            int domains = constraints.get(i).topologyKey().equals(HOSTNAME) ? feasible.size() - ignored
                    : perDomain.get(i).size();
            weights[i] = Math.log(domains + 2);
        }
        countDomainsOfFeasibleNodes(pod, constraints, perDomain, requireAll, cluster.nodes());
        state.put(SCORE_STATE, new ScoreState(constraints, perDomain, weights, requireAll));
        return PreResult.RUN;
    }

    /** Matching pods on every node the pod could go to by its node affinity, added to the feasible nodes' domains. */
    private static void countDomainsOfFeasibleNodes(PodInfo pod, List<Constraint> constraints,
                                                    List<Map<String, Integer>> perDomain, boolean requireAll,
                                                    List<NodeInfo> nodes) {
        // With only hostname constraints, and no feasible node labelled with the others (the system defaults' zone
        // on unzoned nodes), nothing needs the walk over every node.
        boolean anyDomainCounted = false;
        for (int i = 0; i < constraints.size(); i++) {
            Map<String, Integer> domains = perDomain.get(i);
            anyDomainCounted |= domains.size() > 1 || (domains.size() == 1 && !domains.containsKey(""));
        }
        if (!anyDomainCounted) {
            return;
        }
        for (NodeInfo node : nodes) {
            if (!NodeAffinity.matches(pod, node) || (requireAll && !hasAllKeys(constraints, node))) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                Constraint c = constraints.get(i);
                String value = node.labels().get(c.topologyKey());
                // the "" domain stands for nodes without the label, which get no credit: nothing to count
                if (value != null && perDomain.get(i).containsKey(value)) {
                    perDomain.get(i).merge(value, matchingPods(node, c.selector(), pod.namespace()), Integer::sum);
                }
            }
        }
    }

    private static int matchingPods(NodeInfo node, LabelSelector selector, String namespace) {
        int matching = 0;
        for (PodInfo p : node.pods()) {
            if (!p.terminating() && p.namespace().equals(namespace) && selector.matches(p.labels())) {
                matching++;
            }
        }
        return matching;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        ScoreState s = state.get(SCORE_STATE);
        if (s.requireAll() && !hasAllKeys(s.constraints(), node)) {
            return IGNORED;
        }
        double total = 0;
        for (int i = 0; i < s.constraints().size(); i++) {
            Constraint c = s.constraints().get(i);
            String value = node.labels().get(c.topologyKey());
            if (value == null) {
                continue;
            }
            int matching = c.topologyKey().equals(HOSTNAME) ? matchingPods(node, c.selector(), pod.namespace())
                    : s.perDomain().get(i).getOrDefault(value, 0);
            total += matching * s.weights()[i] + (c.maxSkew() - 1);
        }
        return Math.round(total);
    }

    /** Fewer matching pods score higher; ignored nodes score 0 and do not move the scale of the others. */
    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long s : scores) {
            if (s != IGNORED) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
        }
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] == IGNORED) {
                scores[i] = 0;
            } else {
                scores[i] = max == 0 ? MAX_SCORE : MAX_SCORE * (max + min - scores[i]) / max;
            }
        }
    }
}
