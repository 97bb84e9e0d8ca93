package io.gantry.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.PatchKind;
import io.gantry.scheduler.framework.ScoringStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.gantry.scheduler.framework.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduler against a real API server: binding, FailedScheduling reports, selectors, taints. */
class SchedulerIntegrationTest {
    private static final String HUGE = "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are "
            + "available: 3 No preemption victims found for incoming pod.";
    @TempDir
    Path dir;
    ClusterFixture cluster;
    Scheduler scheduler;

    @BeforeEach
    void start() {
        cluster = new ClusterFixture(dir);
        for (String n : List.of("n1", "n2", "n3")) {
            cluster.createNode(n, "2", "110", "{'kubernetes.io/hostname':'" + n + "'"
                    + (n.equals("n3") ? ",'disk':'ssd'" : "") + "}", "{}");
        }
        scheduler = new Scheduler(cluster.client, SchedulerConfig.defaults().withRandomSeed(7L), Clock.systemUTC())
                .start();
    }

    @AfterEach
    void stop() {
        try {
            if (scheduler != null) {
                scheduler.close();
            }
        } finally {
            cluster.close();
        }
    }

    private static void awaitUp(Runnable assertion) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).untilAsserted(assertion::run);
    }

    @Test
    void bindsPodsAndReportsThoseThatFitNowhereUntilTheClusterGrows() {
        assertThat(cluster.client.get(ClusterFixture.NODES, "", "n1").at("/status/allocatable/cpu").asText())
                .isEqualTo("2");
        for (int i = 0; i < 5; i++) {
            cluster.createPod("small-" + i, "100m", "");
        }
        awaitUp(() -> {
            for (int i = 0; i < 5; i++) {
                ObjectNode pod = cluster.pod("small-" + i);
                assertThat(pod.at("/spec/nodeName").asText()).isIn("n1", "n2", "n3");
                assertThat(ClusterFixture.condition(pod, "PodScheduled", "status")).isEqualTo("True");
            }
        });
        awaitUp(() -> assertThat(cluster.eventsFor("small-0")).anySatisfy(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("Scheduled");
            assertThat(e.path("message").asText()).isEqualTo("Successfully assigned default/small-0 to "
                    + cluster.nodeOf("small-0"));
        }));

        cluster.createPod("huge", "100", "");
        awaitUp(() -> {
            ObjectNode pod = cluster.pod("huge");
            assertThat(ClusterFixture.condition(pod, "PodScheduled", "status")).isEqualTo("False");
            assertThat(ClusterFixture.condition(pod, "PodScheduled", "reason")).isEqualTo("Unschedulable");
            assertThat(ClusterFixture.condition(pod, "PodScheduled", "message"))
                    .isEqualTo(HUGE);
            assertThat(cluster.eventsFor("huge")).singleElement().satisfies(e -> {
                assertThat(e.path("reason").asText()).isEqualTo("FailedScheduling");
                assertThat(e.path("type").asText()).isEqualTo("Warning");
                assertThat(e.path("source").path("component").asText()).isEqualTo("default-scheduler");
                assertThat(e.path("message").asText()).isEqualTo(HUGE);
            });
        });
        assertThat(cluster.nodeOf("huge")).isEmpty();

        cluster.createNode("big", "128", "110", "{}", "{}");
        awaitUp(() -> assertThat(cluster.nodeOf("huge")).isEqualTo("big"));
        // retries make a new Event only for a new message (the node was briefly not Ready before its status came)
        List<String> failures = cluster.eventsFor("huge").stream()
                .filter(e -> e.path("reason").asText().equals("FailedScheduling"))
                .map(e -> e.path("message").asText()).toList();
        assertThat(failures).doesNotHaveDuplicates().contains(HUGE);
    }

    @Test
    void podsThatAServiceSelectsAreSpreadOverNodesEvenWhenBinPacking() {
        scheduler.close();
        cluster.client.create(ClusterFixture.REGISTRY.byKind("v1", "Service").orElseThrow(), "default",
                json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'web'},"
                        + "'spec':{'selector':{'app':'web'},'ports':[{'port':80}]}}"));
        scheduler = new Scheduler(cluster.client, SchedulerConfig.defaults()
                .withScoringStrategy(ScoringStrategy.MOST_ALLOCATED).withRandomSeed(7L), Clock.systemUTC()).start();
        for (int i = 0; i < 6; i++) {
            cluster.client.create(ClusterFixture.PODS, "default", json("{'apiVersion':'v1','kind':'Pod','metadata':"
                    + "{'name':'web-" + i + "','labels':{'app':'web'}},'spec':{'containers':[{'name':'c',"
                    + "'image':'busybox:1.36','resources':{'requests':{'cpu':'100m','memory':'64Mi'}}}]}}"));
        }
        awaitUp(() -> {
            Map<String, Long> perNode = IntStream.range(0, 6).mapToObj(i -> cluster.nodeOf("web-" + i))
                    .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
            assertThat(perNode).containsOnly(Map.entry("n1", 2L), Map.entry("n2", 2L), Map.entry("n3", 2L));
        });
    }

    @Test
    void nodeSelectorAndTaints() {
        cluster.createPod("ssd", "100m", "'nodeSelector':{'disk':'ssd'},");
        awaitUp(() -> assertThat(cluster.nodeOf("ssd")).isEqualTo("n3"));

        cluster.client.patch(ClusterFixture.NODES, "", "n1", "", PatchKind.MERGE,
                json("{'spec':{'taints':[{'key':'dedicated','value':'gpu','effect':'NoSchedule'}]}}"));
        cluster.createPod("plain", "100m", "'nodeSelector':{'kubernetes.io/hostname':'n1'},");
        awaitUp(() -> assertThat(ClusterFixture.condition(cluster.pod("plain"), "PodScheduled", "message"))
                .isEqualTo("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, "
                        + "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: "
                        + "3 Preemption is not helpful for scheduling."));
        cluster.createPod("tolerant", "100m", "'nodeSelector':{'kubernetes.io/hostname':'n1'},"
                + "'tolerations':[{'key':'dedicated','operator':'Equal','value':'gpu','effect':'NoSchedule'}],");
        awaitUp(() -> assertThat(cluster.nodeOf("tolerant")).isEqualTo("n1"));
        for (int i = 0; i < 6; i++) {
            cluster.createPod("any-" + i, "100m", "");
        }
        awaitUp(() -> {
            for (int i = 0; i < 6; i++) {
                assertThat(cluster.nodeOf("any-" + i)).isIn("n2", "n3");
            }
        });
        assertThat(cluster.nodeOf("plain")).isEmpty();
        // removing the taint is a cluster change: the waiting pod is retried at once
        cluster.client.patch(ClusterFixture.NODES, "", "n1", "", PatchKind.MERGE,
                Json.object().set("spec", Json.object().putNull("taints")));
        awaitUp(() -> assertThat(cluster.nodeOf("plain")).isEqualTo("n1"));
    }

    @Test
    void higherPriorityPodPreemptsALowerOne() {
        cluster.client.create(ClusterFixture.REGISTRY.byKind("scheduling.k8s.io/v1", "PriorityClass").orElseThrow(),
                "", json("{'apiVersion':'scheduling.k8s.io/v1','kind':'PriorityClass','metadata':{'name':'high'},"
                        + "'value':1000}"));
        for (int i = 1; i <= 3; i++) {
            cluster.createPod("low-" + i, "1500m", "");
        }
        awaitUp(() -> {
            for (int i = 1; i <= 3; i++) {
                assertThat(cluster.nodeOf("low-" + i)).isNotEmpty();
            }
        });
        // a budget that allows no disruption makes a victim less preferred, never stops a preemption
        cluster.client.create(ClusterFixture.REGISTRY.byKind("policy/v1", "PodDisruptionBudget").orElseThrow(),
                "default", json("{'apiVersion':'policy/v1','kind':'PodDisruptionBudget','metadata':{'name':'all'},"
                        + "'spec':{'minAvailable':3,'selector':{}}}"));
        cluster.createPod("vip", "1", "'priorityClassName':'high',");
        String[] nominated = new String[1];
        awaitUp(() -> {
            nominated[0] = cluster.pod("vip").at("/status/nominatedNodeName").asText("");
            assertThat(nominated[0]).isIn("n1", "n2", "n3");
        });
        String victim = List.of("low-1", "low-2", "low-3").stream()
                .filter(p -> cluster.nodeOf(p).equals(nominated[0])).findFirst().orElseThrow();
        awaitUp(() -> assertThat(cluster.client.find(ClusterFixture.PODS, "default", victim)
                .map(p -> p.path("metadata").has("deletionTimestamp")).orElse(true)).isTrue());
        assertThat(cluster.pod(victim).path("status").path("conditions").findValuesAsText("reason"))
                .contains("PreemptionByScheduler");
        // no node agent runs here: finish the graceful deletion as the kubelet would
        if (cluster.client.find(ClusterFixture.PODS, "default", victim).isPresent()) {
            cluster.client.delete(ClusterFixture.PODS, "default", victim, io.gantry.client.DeleteRequest.now());
        }
        awaitUp(() -> assertThat(cluster.nodeOf("vip")).isEqualTo(nominated[0]));
        assertThat(cluster.eventsFor(victim)).anySatisfy(e -> assertThat(e.path("reason").asText())
                .isEqualTo("Preempted"));
        // only one pod was evicted
        assertThat(List.of("low-1", "low-2", "low-3").stream()
                .filter(p -> cluster.client.find(ClusterFixture.PODS, "default", p).isPresent())).hasSize(2);
    }
}
