package io.gantry.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why a pod fits no node, worded as Kubernetes' FitError: "0/3 nodes are available: 1 node(s) had untolerated
 * taint {k: v}, 2 Insufficient cpu." with "count reason" entries sorted as strings.
 */
public record FitError(int numAllNodes, Map<String, Integer> reasons, String postFilterMessage) {
    public FitError {
        reasons = Map.copyOf(reasons);
        postFilterMessage = postFilterMessage == null ? "" : postFilterMessage;
    }

    public FitError(int numAllNodes, Map<String, Integer> reasons) {
        this(numAllNodes, reasons, "");
    }

    /** The same error with what preemption found, e.g. "preemption: 0/3 nodes are available: ...". */
    public FitError withPostFilterMessage(String message) {
        return new FitError(numAllNodes, reasons, message);
    }

    /** "0/n nodes are available: count reason, ...", the histogram sorted as strings, as Kubernetes does. */
    static String histogram(int numAllNodes, List<List<String>> reasonsPerNode) {
        return of(numAllNodes, reasonsPerNode).message();
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
        if (!postFilterMessage.isEmpty()) {
            sb.append(' ').append(postFilterMessage);
        }
        return sb.toString();
    }
}
