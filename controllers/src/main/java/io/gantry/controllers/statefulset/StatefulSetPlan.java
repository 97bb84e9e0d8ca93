package io.gantry.controllers.statefulset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One pass of Kubernetes' defaultStatefulSetControl.updateStatefulSet on plain data: which ordinals to create
 * (and at which revision) and which pods to delete. OrderedReady stops at the first step that must wait;
 * Parallel does every create and delete at once. Rolling updates always go one pod at a time from the highest
 * ordinal down to the partition.
 */
public final class StatefulSetPlan {
    /** What the controller knows of one existing pod. */
    public record PodState(String name, String revision, boolean runningAndReady, boolean terminating,
                           boolean finished) {
        boolean healthy() {
            return runningAndReady && !terminating;
        }
    }

    /** The set's spec and revisions as the plan needs them; partition is null for OnDelete. */
    public record Spec(int replicas, boolean orderedReady, Integer partition, String currentRevision,
                       String updateRevision) {
        /** newVersionedStatefulSetPod: ordinals below the partition are (re)created at the current revision. */
        String revisionFor(int ordinal) {
            return partition != null && ordinal < partition ? currentRevision : updateRevision;
        }
    }

    public sealed interface Action permits Create, Delete {
    }

    public record Create(int ordinal, String revision) implements Action {
    }

    public record Delete(String podName) implements Action {
    }

    private StatefulSetPlan() {
    }

    public static List<Action> plan(Spec spec, Map<Integer, PodState> podsByOrdinal) {
        List<Action> actions = new ArrayList<>();
        boolean monotonic = spec.orderedReady();
        TreeMap<Integer, PodState> condemned = new TreeMap<>();
        podsByOrdinal.forEach((ord, pod) -> {
            if (ord >= spec.replicas()) {
                condemned.put(ord, pod);
            }
        });
        PodState firstUnhealthy = null;
        for (int i = 0; i < spec.replicas() && firstUnhealthy == null; i++) {
            PodState p = podsByOrdinal.get(i);
            if (p != null && !p.healthy()) {
                firstUnhealthy = p;
            }
        }
        for (PodState p : condemned.descendingMap().values()) {
            if (firstUnhealthy == null && !p.healthy()) {
                firstUnhealthy = p;
            }
        }

        for (int i = 0; i < spec.replicas(); i++) {
            PodState p = podsByOrdinal.get(i);
            if (p == null) {
                actions.add(new Create(i, spec.revisionFor(i)));
                if (monotonic) {
                    return actions;
                }
                continue;
            }
            if (p.finished() && !p.terminating()) {
                // A failed or succeeded pod is deleted and created again on a later pass.
                actions.add(new Delete(p.name()));
                if (monotonic) {
                    return actions;
                }
                continue;
            }
            if (monotonic && !p.healthy()) {
                return actions;
            }
        }
        for (PodState p : condemned.descendingMap().values()) {
            if (p.terminating()) {
                if (monotonic) {
                    return actions;
                }
                continue;
            }
            if (monotonic && !p.runningAndReady() && p != firstUnhealthy) {
                return actions;
            }
            actions.add(new Delete(p.name()));
            if (monotonic) {
                return actions;
            }
        }
        if (spec.partition() == null || !actions.isEmpty()) {
            return actions;
        }
        for (int target = spec.replicas() - 1; target >= spec.partition(); target--) {
            PodState p = podsByOrdinal.get(target);
            if (p == null) {
                return actions;
            }
            if (!p.revision().equals(spec.updateRevision()) && !p.terminating()) {
                actions.add(new Delete(p.name()));
                return actions;
            }
            if (!p.healthy()) {
                return actions;
            }
        }
        return actions;
    }
}
