package io.gantry.controllers.statefulset;

import io.gantry.controllers.statefulset.StatefulSetPlan.Create;
import io.gantry.controllers.statefulset.StatefulSetPlan.Delete;
import io.gantry.controllers.statefulset.StatefulSetPlan.PodState;
import io.gantry.controllers.statefulset.StatefulSetPlan.Spec;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatefulSetPlanTest {
    static PodState ready(int ord, String rev) {
        return new PodState("web-" + ord, rev, true, false, false);
    }

    static PodState pending(int ord, String rev) {
        return new PodState("web-" + ord, rev, false, false, false);
    }

    static PodState terminating(int ord, String rev) {
        return new PodState("web-" + ord, rev, true, true, false);
    }

    static Map<Integer, PodState> pods(PodState... states) {
        Map<Integer, PodState> m = new HashMap<>();
        for (PodState s : states) {
            m.put(Integer.parseInt(s.name().substring(4)), s);
        }
        return m;
    }

    static Spec ordered(int replicas, Integer partition) {
        return new Spec(replicas, true, partition, "r1", "r2");
    }

    @Test
    void ordinalsParse() {
        assertThat(StatefulSetController.ordinal("web", "web-0")).isZero();
        assertThat(StatefulSetController.ordinal("web", "web-12")).isEqualTo(12);
        assertThat(StatefulSetController.ordinal("web", "web-x")).isEqualTo(-1);
        assertThat(StatefulSetController.ordinal("web", "web-01")).isEqualTo(-1);
        assertThat(StatefulSetController.ordinal("web", "webapp-1")).isEqualTo(-1);
    }

    @Test
    void orderedReadyCreatesOneAtATimeAfterPredecessorsAreReady() {
        Spec spec = new Spec(3, true, 0, "r2", "r2");
        assertThat(StatefulSetPlan.plan(spec, pods())).containsExactly(new Create(0, "r2"));
        assertThat(StatefulSetPlan.plan(spec, pods(pending(0, "r2")))).isEmpty();
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r2")))).containsExactly(new Create(1, "r2"));
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r2"), ready(1, "r2"))))
                .containsExactly(new Create(2, "r2"));
    }

    @Test
    void parallelCreatesAllAtOnce() {
        Spec spec = new Spec(3, false, 0, "r2", "r2");
        assertThat(StatefulSetPlan.plan(spec, pods(pending(1, "r2"))))
                .containsExactly(new Create(0, "r2"), new Create(2, "r2"));
    }

    @Test
    void scaleDownRemovesHighestFirstAndWaitsForTermination() {
        Spec spec = new Spec(1, true, 0, "r2", "r2");
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r2"), ready(1, "r2"), ready(2, "r2"))))
                .containsExactly(new Delete("web-2"));
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r2"), ready(1, "r2"), terminating(2, "r2"))))
                .isEmpty();
        Spec parallel = new Spec(1, false, 0, "r2", "r2");
        assertThat(StatefulSetPlan.plan(parallel, pods(ready(0, "r2"), ready(1, "r2"), ready(2, "r2"))))
                .containsExactly(new Delete("web-2"), new Delete("web-1"));
    }

    @Test
    void rollingUpdateGoesFromTheHighestOrdinalDownWaitingForReady() {
        Spec spec = ordered(3, 0);
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r1"), ready(1, "r1"), ready(2, "r1"))))
                .containsExactly(new Delete("web-2"));
        // web-2 recreated at the update revision, not ready yet: wait.
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r1"), ready(1, "r1"), pending(2, "r2")))).isEmpty();
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r1"), ready(1, "r1"), ready(2, "r2"))))
                .containsExactly(new Delete("web-1"));
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r1"), ready(1, "r2"), ready(2, "r2"))))
                .containsExactly(new Delete("web-0"));
    }

    @Test
    void partitionKeepsLowerOrdinalsAtTheCurrentRevision() {
        Spec spec = ordered(3, 2);
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r1"), ready(1, "r1"), ready(2, "r2")))).isEmpty();
        // A deleted pod below the partition comes back at the current revision.
        assertThat(StatefulSetPlan.plan(spec, pods(ready(1, "r1"), ready(2, "r2"))))
                .containsExactly(new Create(0, "r1"));
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r1"), ready(1, "r1"))))
                .containsExactly(new Create(2, "r2"));
    }

    @Test
    void onDeleteNeverDeletesForUpdateButRecreatesAtTheUpdateRevision() {
        Spec spec = ordered(2, null);
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r1"), ready(1, "r1")))).isEmpty();
        assertThat(StatefulSetPlan.plan(spec, pods(ready(0, "r1")))).containsExactly(new Create(1, "r2"));
    }

    @Test
    void failedPodsAreDeletedToBeRecreated() {
        Spec spec = new Spec(2, true, 0, "r2", "r2");
        PodState failed = new PodState("web-0", "r2", false, false, true);
        assertThat(StatefulSetPlan.plan(spec, pods(failed, ready(1, "r2")))).containsExactly(new Delete("web-0"));
    }
}
