package io.gantry.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.CycleState;
import io.gantry.scheduler.framework.FilterPlugin;
import io.gantry.scheduler.framework.FilterResult;
import io.gantry.scheduler.framework.NodeColumns;
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
    static final String HOSTNAME = NodeInfo.HOSTNAME_LABEL;
    static final String ZONE = NodeInfo.ZONE_LABEL;
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

    /**
     * Per constraint: matching pods per domain value, and the fewest in a domain (0 with fewer domains than
     * minDomains), worked out once per pod rather than once per node filtered.
     */
    private record Counts(List<Constraint> constraints, List<Map<String, Integer>> perDomain, int[] minimum) {
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

    private static Counts count(PodInfo pod, List<Constraint> constraints, ClusterView cluster) {
        List<Map<String, Integer>> perDomain = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            perDomain.add(new HashMap<>());
        }
        if (constraints.isEmpty()) {
            return new Counts(constraints, perDomain, new int[0]);
        }
        List<Map<NodeInfo, Integer>> matching = matchingPodsByNode(constraints, pod, cluster);
        // every eligible node's domain counts, also with no matching pod: the emptiest domain sets the skew
        for (NodeInfo node : cluster.nodes()) {
            if (!NodeAffinity.matches(pod, node) || !hasAllKeys(constraints, node)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                perDomain.get(i).merge(node.label(constraints.get(i).topologyKey()),
                        matching.get(i).getOrDefault(node, 0), Integer::sum);
            }
        }
        int[] minimum = new int[constraints.size()];
        for (int i = 0; i < constraints.size(); i++) {
            Map<String, Integer> domains = perDomain.get(i);
            minimum[i] = domains.size() < constraints.get(i).minDomains() ? 0
                    : domains.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        }
        return new Counts(constraints, perDomain, minimum);
    }

    /** Per constraint, the matching pods per node; constraints with the same selector share one count. */
    private static List<Map<NodeInfo, Integer>> matchingPodsByNode(List<Constraint> constraints, PodInfo pod,
                                                                   ClusterView cluster) {
        List<Map<NodeInfo, Integer>> matching = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            LabelSelector selector = constraints.get(i).selector();
            matching.add(i > 0 && selector.equals(constraints.get(i - 1).selector()) ? matching.get(i - 1)
                    : cluster.matchingPodsByNode(selector, pod.namespace()));
        }
        return matching;
    }

    private static boolean hasAllKeys(List<Constraint> constraints, NodeInfo node) {
        for (Constraint c : constraints) {
            if (node.label(c.topologyKey()) == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public PreResult preFilter(CycleState state, PodInfo pod, ClusterView cluster) {
        Counts counts = count(pod, constraints(pod, "DoNotSchedule"), cluster);
        state.put(FILTER_STATE, counts);
        return counts.constraints().isEmpty() ? PreResult.SKIP : PreResult.RUN;
    }

    @Override
    public FilterResult filter(CycleState state, PodInfo pod, NodeInfo node) {
        Counts counts = state.get(FILTER_STATE);
        for (int i = 0; i < counts.constraints().size(); i++) {
            Constraint c = counts.constraints().get(i);
            String value = node.label(c.topologyKey());
            if (value == null) {
                return FilterResult.unfit(MISSING_LABEL);
            }
            int self = c.selector().matches(pod.labels()) ? 1 : 0;
            if (counts.perDomain().get(i).getOrDefault(value, 0) + self - counts.minimum()[i] > c.maxSkew()) {
                return FilterResult.unfit(REASON);
            }
        }
        return FilterResult.FIT;
    }

    /**
     * What scoring needs for one pod.
     *
     * @param matching    per constraint, the matching pods per node
     * @param perDomain   per constraint, matching pods per domain of the feasible nodes (not for hostname, whose
     *                    domains are the nodes themselves)
     * @param weights     per constraint, log(domains + 2), so that finer topologies count more
     * @param requireAll  a feasible node missing one of the keys is ignored (it scores 0); system defaults do not
     *                    require all, so nodes without a zone label are still spread by hostname
     * @param byHostname  per constraint, whether its domains are the nodes themselves (asked once per pod, not once
     *                    per node scored)
     */
    private record ScoreState(List<Constraint> constraints, List<Map<NodeInfo, Integer>> matching,
                              List<Map<String, Integer>> perDomain, double[] weights, boolean requireAll,
                              boolean[] byHostname, ByColumns byColumns) {
    }

    /**
     * Scoring from columns (system defaults only, whose keys are the hostname and zone labels the columns hold).
     *
     * @param slots           the feasible nodes' slots in the columns, in the order of the feasible list
     * @param matchingByIndex per constraint by hostname, the matching pods of each feasible node, by its index in
     *                        the feasible list (null for the others)
     */
    private record ByColumns(NodeColumns columns, int[] slots, int[][] matchingByIndex) {
    }

    /**
     * All zeros between uses: one entry per node slot, for spreading the few nodes that hold matching pods over the
     * feasible list without a hash lookup per feasible node. A new array of every slot per decision was the largest
     * allocation of the control plane at 5,000 nodes. The algorithm that owns this plugin decides one pod at a time.
     */
    private int[] bySlotScratch = new int[0];

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
        return preScore(state, pod, feasible, cluster, null, null);
    }

    /**
     * The same, where {@code columns} (if not null) hold the feasible nodes at {@code slots}: then the system
     * defaults read the nodes' labels from the columns, and {@link #scoreAll(CycleState, List, long[])} scores
     * by slot, without a look at the nodes themselves.
     */
    public PreResult preScore(CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterView cluster,
                              NodeColumns columns, int[] slots) {
        List<Constraint> all = softConstraints(pod, cluster);
        if (all.isEmpty()) {
            return PreResult.SKIP;
        }
        boolean requireAll = pod.spec().path("topologySpreadConstraints").size() > 0;
        // the system defaults' keys are the hostname and the zone, which the columns hold
        boolean byColumns = columns != null && !requireAll;
        List<Map<String, Integer>> domainsOfFeasible = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            domainsOfFeasible.add(new HashMap<>());
        }
        int ignored = 0;
        // The value last added per constraint: neighbouring nodes mostly share their zone (or all lack one), and
        // looking each of hundreds of nodes up in the map was a third of this loop in a profile.
        String[] lastAdded = new String[all.size()];
        boolean[] domainKeys = new boolean[all.size()];
        boolean anyDomainKey = false;
        for (int i = 0; i < all.size(); i++) {
            domainKeys[i] = !all.get(i).topologyKey().equals(HOSTNAME);
            anyDomainKey |= domainKeys[i];
        }
        for (int n = 0; n < feasible.size() && (anyDomainKey || requireAll); n++) {
            NodeInfo node = feasible.get(n);
            if (requireAll && !hasAllKeys(all, node)) {
                ignored++;
                continue;
            }
            for (int i = 0; i < all.size(); i++) {
                if (domainKeys[i]) {
                    // as in Kubernetes, a node without the label is a domain of its own ("") for the weight
                    String value = byColumns ? columns.zone(slots[n]) : node.label(all.get(i).topologyKey());
                    String domain = value == null ? "" : value;
                    if (!domain.equals(lastAdded[i])) {
                        domainsOfFeasible.get(i).putIfAbsent(domain, 0);
                        lastAdded[i] = domain;
                    }
                }
            }
        }
        List<Constraint> constraints = new ArrayList<>();
        List<Map<String, Integer>> perDomain = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Constraint c = all.get(i);
            Map<String, Integer> domains = domainsOfFeasible.get(i);
            // A key no feasible node has credits no node (the defaults' zone, on a cluster without zones): leave it
            // out rather than look it up on every node.
            if (!requireAll && domains.size() == 1 && domains.containsKey("")) {
                continue;
            }
            constraints.add(c);
            perDomain.add(domains);
            weights.add(Math.log((c.topologyKey().equals(HOSTNAME) ? feasible.size() - ignored : domains.size()) + 2));
        }
        List<Map<NodeInfo, Integer>> matching = matchingPodsByNode(constraints, pod, cluster);
        for (int i = 0; i < constraints.size(); i++) {
            if (!constraints.get(i).topologyKey().equals(HOSTNAME)) {
                countDomains(pod, constraints, i, matching.get(i), perDomain.get(i), requireAll);
            }
        }
        boolean[] byHostname = new boolean[constraints.size()];
        for (int i = 0; i < byHostname.length; i++) {
            byHostname[i] = constraints.get(i).topologyKey().equals(HOSTNAME);
        }
        state.put(SCORE_STATE, new ScoreState(constraints, matching, perDomain,
                weights.stream().mapToDouble(Double::doubleValue).toArray(), requireAll, byHostname,
                byColumns ? new ByColumns(columns, slots, matchingByIndex(matching, byHostname, columns, slots,
                        feasible.size())) : null));
        return PreResult.RUN;
    }

    /**
     * Per constraint by hostname, the matching pods of each feasible node by its index: an array read instead of a
     * hash lookup per node. The nodes holding matching pods are marked in the scratch array by slot, read once per
     * feasible node, and cleared again.
     */
    private int[][] matchingByIndex(List<Map<NodeInfo, Integer>> matching, boolean[] byHostname,
                                    NodeColumns columns, int[] slots, int feasible) {
        int[][] byIndex = new int[byHostname.length][];
        for (int i = 0; i < byHostname.length; i++) {
            if (!byHostname[i]) {
                continue;
            }
            int[] counts = new int[feasible];
            Map<NodeInfo, Integer> nodes = matching.get(i);
            if (!nodes.isEmpty()) {
                if (bySlotScratch.length < columns.size()) {
                    bySlotScratch = new int[columns.size()];
                }
                int[] bySlot = bySlotScratch;
                try {
                    for (Map.Entry<NodeInfo, Integer> e : nodes.entrySet()) {
                        int slot = e.getKey().slot();
                        if (slot >= 0 && slot < bySlot.length) {
                            bySlot[slot] = e.getValue();
                        }
                    }
                    for (int n = 0; n < feasible; n++) {
                        counts[n] = bySlot[slots[n]];
                    }
                } finally {
                    for (NodeInfo node : nodes.keySet()) {
                        int slot = node.slot();
                        if (slot >= 0 && slot < bySlot.length) {
                            bySlot[slot] = 0;
                        }
                    }
                }
            }
            byIndex[i] = counts;
        }
        return byIndex;
    }

    /**
     * Adds the matching pods of every node the pod could go to by its node affinity, feasible or not, to the
     * domains that feasible nodes are in.
     */
    private static void countDomains(PodInfo pod, List<Constraint> constraints, int index,
                                     Map<NodeInfo, Integer> matching, Map<String, Integer> domains,
                                     boolean requireAll) {
        String key = constraints.get(index).topologyKey();
        matching.forEach((node, count) -> {
            String value = node.label(key);
            // the "" domain stands for nodes without the label, which get no credit: nothing to count
            if (value != null && domains.containsKey(value) && NodeAffinity.matches(pod, node)
                    && (!requireAll || hasAllKeys(constraints, node))) {
                domains.merge(value, count, Integer::sum);
            }
        });
    }

    /**
     * The scores of all feasible nodes (as given to
     * {@link #preScore(CycleState, PodInfo, List, ClusterView, NodeColumns, int[])}) into {@code scores}, in one pass
     * with the decision's state looked up once: read from the columns where that pre-score used them, else from the
     * nodes.
     */
    public void scoreAll(CycleState state, List<NodeInfo> feasible, long[] scores) {
        ScoreState s = state.get(SCORE_STATE);
        ByColumns byColumns = s.byColumns();
        if (byColumns == null) {
            for (int n = 0; n < scores.length; n++) {
                scores[n] = score(s, feasible.get(n));
            }
            return;
        }
        NodeColumns columns = byColumns.columns();
        int[] slots = byColumns.slots();
        int[][] matchingByIndex = byColumns.matchingByIndex();
        boolean[] byHostname = s.byHostname();
        double[] weights = s.weights();
        int count = byHostname.length;
        int[] skewBonus = new int[count];
        for (int i = 0; i < count; i++) {
            skewBonus[i] = s.constraints().get(i).maxSkew() - 1;
        }
        for (int n = 0; n < scores.length; n++) {
            int slot = slots[n];
            double total = 0;
            for (int i = 0; i < count; i++) {
                int matching;
                if (byHostname[i]) {
                    if ((columns.flags(slot) & NodeColumns.HOSTNAME) == 0) {
                        continue;
                    }
                    matching = matchingByIndex[i][n];
                } else {
                    String zone = columns.zone(slot);
                    if (zone == null) {
                        continue;
                    }
                    matching = s.perDomain().get(i).getOrDefault(zone, 0);
                }
                total += matching * weights[i] + skewBonus[i];
            }
            scores[n] = Math.round(total);
        }
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        return score(state.<ScoreState>get(SCORE_STATE), node);
    }

    private static long score(ScoreState s, NodeInfo node) {
        if (s.requireAll() && !hasAllKeys(s.constraints(), node)) {
            return IGNORED;
        }
        double total = 0;
        for (int i = 0; i < s.constraints().size(); i++) {
            Constraint c = s.constraints().get(i);
            String value = node.label(c.topologyKey());
            if (value == null) {
                continue;
            }
            int matching = s.byHostname()[i] ? s.matching().get(i).getOrDefault(node, 0)
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
