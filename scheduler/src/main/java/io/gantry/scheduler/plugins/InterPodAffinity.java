package io.gantry.scheduler.plugins;

import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.PreResult;
import io.gantry.scheduler.framework.ScorePlugin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Required pod affinity and anti-affinity (the pod's own, and existing pods' anti-affinity against it) by
 * topology domain; preferred terms of both sides score. Counts per topology pair are built once per pod, and
 * existing pods are scanned only when some term can matter.
 */
public final class InterPodAffinity implements FilterPlugin, ScorePlugin {
    public static final String AFFINITY = "node(s) didn't match pod affinity rules";
    public static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
    public static final String EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
    private static final Object FILTER_STATE = new Object();
    private static final Object SCORE_STATE = new Object();

    private record FilterState(List<AffinityTerm> affinity, List<AffinityTerm> antiAffinity,
                               Map<String, Integer> affinityCounts, Map<String, Integer> antiAffinityCounts,
                               Map<String, Integer> existingAntiAffinityCounts, boolean matchesOwnAffinity) {
    }

    @Override
    public String name() {
        return "InterPodAffinity";
    }

    private static String pair(String key, String value) {
        return key + "\u0000" + value;
    }

    @Override
    public PreResult preFilter(CycleState state, PodInfo pod, ClusterView cluster) {
        List<AffinityTerm> affinity = AffinityTerm.required(pod, "podAffinity");
        List<AffinityTerm> anti = AffinityTerm.required(pod, "podAntiAffinity");
        Map<String, Integer> affinityCounts = new HashMap<>();
        Map<String, Integer> antiCounts = new HashMap<>();
        Map<String, Integer> existingCounts = new HashMap<>();
        boolean scanAll = !affinity.isEmpty() || !anti.isEmpty();
        for (NodeInfo node : scanAll ? cluster.nodes() : cluster.nodesWithPodsWithAffinity()) {
            for (PodInfo existing : node.pods()) {
                if (existing.hasRequiredAntiAffinity()) {
                    for (AffinityTerm t : AffinityTerm.required(existing, "podAntiAffinity")) {
                        String value = node.labels().get(t.topologyKey());
                        if (value != null && t.matches(pod, cluster)) {
                            existingCounts.merge(pair(t.topologyKey(), value), 1, Integer::sum);
                        }
                    }
                }
                count(affinity, existing, node, cluster, affinityCounts);
                count(anti, existing, node, cluster, antiCounts);
            }
        }
        boolean matchesOwn = !affinity.isEmpty() && affinity.stream().allMatch(t -> t.matches(pod, cluster));
        state.put(FILTER_STATE, new FilterState(affinity, anti, affinityCounts, antiCounts, existingCounts, matchesOwn));
        return affinity.isEmpty() && anti.isEmpty() && existingCounts.isEmpty() ? PreResult.SKIP : PreResult.RUN;
    }

    private static void count(List<AffinityTerm> terms, PodInfo existing, NodeInfo node, ClusterView cluster,
                              Map<String, Integer> counts) {
        for (AffinityTerm t : terms) {
            String value = node.labels().get(t.topologyKey());
            if (value != null && t.matches(existing, cluster)) {
                counts.merge(pair(t.topologyKey(), value), 1, Integer::sum);
            }
        }
    }

    @Override
    public FilterResult filter(CycleState state, PodInfo pod, NodeInfo node) {
        FilterState s = state.get(FILTER_STATE);
        if (!s.affinity().isEmpty()) {
            boolean podsExist = true;
            for (AffinityTerm t : s.affinity()) {
                String value = node.labels().get(t.topologyKey());
                if (value == null) {
                    return FilterResult.unfit(AFFINITY);
                }
                if (s.affinityCounts().getOrDefault(pair(t.topologyKey(), value), 0) <= 0) {
                    podsExist = false;
                }
            }
            // The first pod of a group with affinity to itself may go anywhere.
            if (!podsExist && !(s.affinityCounts().isEmpty() && s.matchesOwnAffinity())) {
                return FilterResult.unfit(AFFINITY);
            }
        }
        for (AffinityTerm t : s.antiAffinity()) {
            String value = node.labels().get(t.topologyKey());
            if (value != null && s.antiAffinityCounts().getOrDefault(pair(t.topologyKey(), value), 0) > 0) {
                return FilterResult.unfit(ANTI_AFFINITY);
            }
        }
        if (!s.existingAntiAffinityCounts().isEmpty()) {
            for (Map.Entry<String, String> label : node.labels().entrySet()) {
                if (s.existingAntiAffinityCounts().getOrDefault(pair(label.getKey(), label.getValue()), 0) > 0) {
                    return FilterResult.unfit(EXISTING_ANTI_AFFINITY);
                }
            }
        }
        return FilterResult.FIT;
    }

    @Override
    public PreResult preScore(CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterView cluster) {
        List<AffinityTerm> affinity = AffinityTerm.preferred(pod, "podAffinity");
        List<AffinityTerm> anti = AffinityTerm.preferred(pod, "podAntiAffinity");
        Map<String, Long> scores = new HashMap<>();
        boolean scanAll = !affinity.isEmpty() || !anti.isEmpty();
        for (NodeInfo node : scanAll ? cluster.nodes() : cluster.nodesWithPodsWithAffinity()) {
            for (PodInfo existing : node.pods()) {
                add(scores, affinity, existing, pod, node, cluster, 1);
                add(scores, anti, existing, pod, node, cluster, -1);
                if (existing.hasPodAffinityTerms()) {
                    // Existing pods' terms toward the incoming pod count too (required affinity with weight 1).
                    add(scores, AffinityTerm.preferred(existing, "podAffinity"), pod, pod, node, cluster, 1);
                    add(scores, AffinityTerm.required(existing, "podAffinity"), pod, pod, node, cluster, 1);
                    add(scores, AffinityTerm.preferred(existing, "podAntiAffinity"), pod, pod, node, cluster, -1);
                }
            }
        }
        state.put(SCORE_STATE, scores);
        return scores.isEmpty() ? PreResult.SKIP : PreResult.RUN;
    }

    private static void add(Map<String, Long> scores, List<AffinityTerm> terms, PodInfo matched, PodInfo incoming,
                            NodeInfo node, ClusterView cluster, int sign) {
        for (AffinityTerm t : terms) {
            String value = node.labels().get(t.topologyKey());
            if (value != null && t.matches(matched, cluster)) {
                scores.merge(pair(t.topologyKey(), value), sign * t.weight(), Long::sum);
            }
        }
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Map<String, Long> scores = state.get(SCORE_STATE);
        if (scores.isEmpty()) {
            return 0;
        }
        long total = 0;
        for (Map.Entry<String, String> label : node.labels().entrySet()) {
            total += scores.getOrDefault(pair(label.getKey(), label.getValue()), 0L);
        }
        return total;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = max > min ? MAX_SCORE * (scores[i] - min) / (max - min) : 0;
        }
    }
}
