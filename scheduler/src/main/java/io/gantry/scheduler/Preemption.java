package io.gantry.scheduler;

import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.plugins.InterPodAffinity;
import io.gantry.scheduler.plugins.NodeAffinity;
import io.gantry.scheduler.plugins.NodeUnschedulable;
import io.gantry.scheduler.plugins.PodTopologySpread;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Kubernetes' default preemption, simplified: on every node where removing pods could help, remove all pods of
 * lower priority, check the pod fits, then give back as many of them as still lets it fit (highest priority
 * first); the rest are the victims. The node needing the fewest victims (then the lowest top victim priority)
 * wins.
 */
final class Preemption {
    static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    static final String NO_VICTIMS = "No preemption victims found for incoming pod";

    /** What failed on one node during filtering. */
    record NodeFailure(NodeInfo node, List<String> reasons) {
    }

    /** A chosen node and the pods to evict from it; or none, with the message why. */
    record Outcome(String nodeName, List<PodInfo> victims, String message) {
        boolean found() {
            return nodeName != null;
        }
    }

    private record Candidate(String nodeName, List<PodInfo> victims) {
        int topPriority() {
            return victims.stream().mapToInt(PodInfo::priority).max().orElse(Integer.MIN_VALUE);
        }
    }

    private Preemption() {
    }

    /**
     * @param fits the pod's filters against a (modified copy of a) node: empty when it fits, else the reasons
     */
    static Outcome preempt(PodInfo pod, int numAllNodes, List<NodeFailure> failures,
                           Function<NodeInfo, List<String>> fits, Function<String, NodeInfo> nodeByName) {
        if (pod.spec().path("preemptionPolicy").asText("").equals("Never")) {
            return new Outcome(null, List.of(), "preemption: not eligible due to preemptionPolicy=Never.");
        }
        String nominated = pod.pod().path("status").path("nominatedNodeName").asText("");
        NodeInfo nominatedNode = nominated.isEmpty() ? null : nodeByName.apply(nominated);
        if (nominatedNode != null && nominatedNode.pods().stream()
                .anyMatch(p -> p.terminating() && p.priority() < pod.priority())) {
            // An earlier preemption is still freeing that node: wait for it instead of evicting more pods.
            return new Outcome(null, List.of(),
                    "preemption: not eligible due to a terminating pod on the nominated node.");
        }
        List<List<String>> statuses = new ArrayList<>();
        Candidate best = null;
        for (NodeFailure failure : failures) {
            if (!resolvable(failure.reasons())) {
                statuses.add(List.of(NOT_HELPFUL));
                continue;
            }
            List<String> status = new ArrayList<>();
            Candidate c = victimsOn(pod, failure.node(), fits, status);
            if (c == null) {
                statuses.add(status);
            } else if (best == null || c.victims().size() < best.victims().size()
                    || (c.victims().size() == best.victims().size() && c.topPriority() < best.topPriority())) {
                best = c;
            }
        }
        if (best != null) {
            return new Outcome(best.nodeName(), best.victims(), "");
        }
        String histogram = FitError.histogram(numAllNodes, statuses);
        return new Outcome(null, List.of(), "preemption: " + histogram);
    }

    /** Whether evicting pods could make a node with these failures fit (Kubernetes' "unresolvable" reasons not). */
    static boolean resolvable(List<String> reasons) {
        for (String r : reasons) {
            if (r.equals(NodeAffinity.REASON) || r.equals(NodeUnschedulable.REASON)
                    || r.startsWith("node(s) had untolerated taint") || r.equals(InterPodAffinity.AFFINITY)
                    || r.equals(PodTopologySpread.MISSING_LABEL)) {
                return false;
            }
        }
        return true;
    }

    private static Candidate victimsOn(PodInfo pod, NodeInfo node, Function<NodeInfo, List<String>> fits,
                                       List<String> status) {
        NodeInfo trial = node.copy();
        List<PodInfo> potential = new ArrayList<>();
        for (PodInfo p : node.pods()) {
            if (p.priority() < pod.priority() && !p.terminating()) {
                potential.add(p);
            }
        }
        if (potential.isEmpty()) {
            status.add(NO_VICTIMS);
            return null;
        }
        potential.forEach(p -> trial.removePod(p.key()));
        List<String> reasons = fits.apply(trial);
        if (!reasons.isEmpty()) {
            status.addAll(reasons);
            return null;
        }
        // Give back the most important pods first; whoever no longer fits is a victim.
        potential.sort(Comparator.comparingInt(PodInfo::priority).reversed());
        List<PodInfo> victims = new ArrayList<>();
        for (PodInfo p : potential) {
            trial.addPod(p);
            if (!fits.apply(trial).isEmpty()) {
                trial.removePod(p.key());
                victims.add(p);
            }
        }
        return new Candidate(node.name(), victims);
    }
}
