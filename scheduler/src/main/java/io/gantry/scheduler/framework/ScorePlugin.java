package io.gantry.scheduler.framework;

import java.util.List;

/** Ranks feasible nodes; after {@link #normalize} every score is within 0..100. */
public interface ScorePlugin {
    long MAX_SCORE = 100;

    String name();

    /**
     * Computes per-pod data once before the nodes are scored; SKIP when every node would score the same, which
     * leaves the ranking as it is.
     */
    default PreResult preScore(CycleState state, PodInfo pod, List<NodeInfo> feasible, ClusterView cluster) {
        return PreResult.RUN;
    }

    long score(CycleState state, PodInfo pod, NodeInfo node);

    /** Maps raw scores (one per feasible node, in order) onto 0..100 in place. */
    default void normalize(CycleState state, PodInfo pod, long[] scores) {
    }

    /** Kubernetes' DefaultNormalizeScore: scales to the highest score, optionally reversed. */
    static void defaultNormalize(long[] scores, boolean reverse) {
        long max = 0;
        for (long s : scores) {
            max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
            if (max == 0) {
                scores[i] = reverse ? MAX_SCORE : 0;
            } else {
                long s = MAX_SCORE * scores[i] / max;
                scores[i] = reverse ? MAX_SCORE - s : s;
            }
        }
    }
}
