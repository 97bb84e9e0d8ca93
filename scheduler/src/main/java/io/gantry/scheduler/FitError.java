package io.gantry.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why a pod fits no node, worded as Kubernetes' FitError: "0/3 nodes are available: 1 node(s) had untolerated
 * taint {k: v}, 2 Insufficient cpu." with "count reason" entries sorted as strings.
 */
public record FitError(int numAllNodes, Map<String, Integer> reasons) {
    public FitError {
        reasons = Map.copyOf(reasons);
    }

    public static FitError of(int numAllNodes, List<List<String>> reasonsPerNode) {
        Map<String, Integer> histogram = new TreeMap<>();
        for (List<String> node : reasonsPerNode) {
            for (String r : node) {
                histogram.merge(r, 1, Integer::sum);
            }
        }
        return new FitError(numAllNodes, histogram);
    }

    public String message() {
        if (numAllNodes == 0) {
            return "no nodes available to schedule pods";
        }
        StringBuilder sb = new StringBuilder("0/").append(numAllNodes).append(" nodes are available:");
        List<String> entries = new ArrayList<>();
        reasons.forEach((reason, count) -> entries.add(count + " " + reason));
        entries.sort(null);
        if (!entries.isEmpty()) {
            sb.append(' ').append(String.join(", ", entries)).append('.');
        }
        return sb.toString();
    }
}
