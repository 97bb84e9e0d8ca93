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
 * within maxSkew); ScheduleAnyway ones score fewer matching pods higher.
 */
public final class PodTopologySpread implements FilterPlugin, ScorePlugin {
    public static final String REASON = "node(s) didn't match pod topology spread constraints";
    public static final String MISSING_LABEL = REASON + " (missing required label)";
    private static final Object FILTER_STATE = new Object();
    private static final Object SCORE_STATE = new Object();

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
                int matching = 0;
                for (PodInfo p : node.pods()) {
                    if (!p.terminating() && p.namespace().equals(pod.namespace()) && c.selector().matches(p.labels())) {
                        matching++;
                    }
                }
                perDomain.get(i).merge(node.labels().get(c.topologyKey()), matching, Integer::sum);
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

    @Override
    public PreResult preScore(CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterView cluster) {
        Counts counts = count(pod, constraints(pod, "ScheduleAnyway"), cluster.nodes());
        state.put(SCORE_STATE, counts);
        return counts.constraints().isEmpty() ? PreResult.SKIP : PreResult.RUN;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Counts counts = state.get(SCORE_STATE);
        double total = 0;
        for (int i = 0; i < counts.constraints().size(); i++) {
            Constraint c = counts.constraints().get(i);
            String value = node.labels().get(c.topologyKey());
            if (value == null) {
                continue;
            }
            Map<String, Integer> domains = counts.perDomain().get(i);
            // Kubernetes weighs each constraint by log(domains + 2) so that finer topologies count more.
            total += domains.getOrDefault(value, 0) * Math.log(domains.size() + 2) + (c.maxSkew() - 1);
        }
        return Math.round(total);
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        Counts counts = state.get(SCORE_STATE);
        if (counts.constraints().isEmpty()) {
            java.util.Arrays.fill(scores, 0);
            return;
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = max == 0 ? MAX_SCORE : MAX_SCORE * (max + min - scores[i]) / max;
        }
    }
}
