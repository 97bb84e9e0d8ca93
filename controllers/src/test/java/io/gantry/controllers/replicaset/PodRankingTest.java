package io.gantry.controllers.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class PodRankingTest {

    static ObjectNode pod(String name, String node, String phase, String readySince, String created) {
        ObjectNode p = Json.object();
        p.putObject("metadata").put("name", name).put("creationTimestamp", created);
        if (node != null) {
            p.putObject("spec").put("nodeName", node);
        }
        ObjectNode status = p.putObject("status").put("phase", phase);
        if (readySince != null) {
            status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                    .put("lastTransitionTime", readySince);
        }
        return p;
    }

    @Test
    void ranksLikeKubernetesActivePods() {
        ObjectNode unscheduled = pod("unscheduled", null, "Pending", null, "2025-01-01T00:00:00Z");
        ObjectNode pending = pod("pending", "n1", "Pending", null, "2025-01-01T00:00:00Z");
        ObjectNode runningNotReady = pod("running-not-ready", "n1", "Running", null, "2025-01-01T00:00:00Z");
        ObjectNode readyRecently = pod("ready-recently", "n2", "Running", "2025-01-01T01:00:00Z", "2025-01-01T00:00:00Z");
        ObjectNode readyLong = pod("ready-long", "n3", "Running", "2025-01-01T00:10:00Z", "2025-01-01T00:00:00Z");
        List<ObjectNode> all = List.of(readyLong, readyRecently, runningNotReady, pending, unscheduled);
        assertThat(PodRanking.toDelete(all, 5, Map.of())).extracting(p -> p.at("/metadata/name").asText())
                .containsExactly("unscheduled", "pending", "running-not-ready", "ready-recently", "ready-long");
    }

    @Test
    void newerPodGoesFirstWhenAllElseIsEqualAndCrowdedNodesBeforeThat() {
        ObjectNode older = pod("older", "n1", "Running", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
        ObjectNode newer = pod("newer", "n2", "Running", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z");
        assertThat(PodRanking.toDelete(List.of(older, newer), 1, Map.of()).get(0).at("/metadata/name").asText())
                .isEqualTo("newer");
        assertThat(PodRanking.toDelete(List.of(older, newer), 1, Map.of("n1", 3, "n2", 1)).get(0)
                .at("/metadata/name").asText()).isEqualTo("older");
    }

    @Test
    void slowStartBatchesDoubleAndStopAfterAFailure() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertThat(ReplicaSetController.slowStartBatch(10, 1, () -> {
            calls.incrementAndGet();
            return true;
        })).isEqualTo(10);
        assertThat(calls).hasValue(10);
        calls.set(0);
        // Batches 1, 2, 4: the fourth call fails, so the batch of 8 is never started.
        int ok = ReplicaSetController.slowStartBatch(20, 1, () -> calls.incrementAndGet() != 4);
        assertThat(calls.get()).isEqualTo(7);
        assertThat(ok).isEqualTo(6);
    }
}
