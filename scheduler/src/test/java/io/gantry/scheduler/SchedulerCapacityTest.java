package io.gantry.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A burst of pods never overcommits nodes: decisions count assumed pods before their bindings are seen. */
class SchedulerCapacityTest {
    @TempDir
    Path dir;

    @Test
    void hundredPodsSpreadWithoutExceedingThePodsCapacity() {
        try (ClusterFixture cluster = new ClusterFixture(dir)) {
            for (String n : List.of("n1", "n2", "n3")) {
                cluster.createNode(n, "64", "30", "{}", "{}");
            }
            try (Scheduler scheduler = new Scheduler(cluster.client, SchedulerConfig.defaults().withRandomSeed(3L),
                    Clock.systemUTC()).start()) {
                for (int i = 0; i < 100; i++) {
                    cluster.createPod("p-" + i, "10m", "");
                }
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    Map<String, Integer> perNode = new HashMap<>();
                    int waiting = 0;
                    for (var pod : cluster.client.list(ClusterFixture.PODS, "default",
                            io.gantry.client.ListQuery.ALL).items()) {
                        String node = pod.path("spec").path("nodeName").asText("");
                        if (node.isEmpty()) {
                            assertThat(ClusterFixture.condition(pod, "PodScheduled", "message"))
                                    .isEqualTo("0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: "
                                            + "3 No preemption victims found for incoming pod.");
                            waiting++;
                        } else {
                            perNode.merge(node, 1, Integer::sum);
                        }
                    }
                    assertThat(perNode).containsOnlyKeys("n1", "n2", "n3").allSatisfy((n, c) -> assertThat(c).isEqualTo(30));
                    assertThat(waiting).isEqualTo(10);
                });
                assertThat(scheduler.podsCountedOn("n1")).isEqualTo(30);
            }
        }
    }
}
