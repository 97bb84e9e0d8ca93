package io.gantry.controllers.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.DeleteRequest;
import io.gantry.client.ListQuery;
import io.gantry.client.PatchKind;
import io.gantry.client.WatchHandle;
import io.gantry.client.WatchListener;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.MutableClock;
import io.gantry.controllers.SharedInformers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Nodes get podCIDRs from the cluster CIDR against a real API server. */
class NodeIpamControllerTest {
    @TempDir
    Path dir;
    ClusterFixture cluster;
    ControllerManager manager;

    @BeforeEach
    void start() {
        cluster = new ClusterFixture(dir);
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    private void startManager(String cidr, int mask) {
        manager = new ControllerManager(cluster.client, ClusterFixture.config().withClusterCidr(cidr, mask),
                new MutableClock(Instant.now()), List.of(NodeIpamController::new));
        manager.start();
    }

    private void createNode(String name, String podCidr, boolean simulated) {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = node.putObject("metadata").put("name", name);
        if (simulated) {
            meta.putObject("labels").put(NodeIpamController.SIMULATED_LABEL, "true");
        }
        if (podCidr != null) {
            node.putObject("spec").put("podCIDR", podCidr).putArray("podCIDRs").add(podCidr);
        }
        cluster.client.create(SharedInformers.NODES, "", node);
    }

    private String podCidr(String node) {
        return cluster.client.get(SharedInformers.NODES, "", node).path("spec").path("podCIDR").asText("");
    }

    @Test
    void aNodeKeepsItsFirstRangeThoughItsStatusChangesBeforeTheAllocatorSeesTheRange() {
        startManager("10.250.0.0/16", 24);
        Map<String, Set<String>> seen = new ConcurrentHashMap<>();
        WatchListener ranges = (type, node) -> {
            String cidr = node.path("spec").path("podCIDR").asText("");
            if (!cidr.isEmpty()) {
                seen.computeIfAbsent(node.path("metadata").path("name").asText(), n -> ConcurrentHashMap.newKeySet())
                        .add(cidr);
            }
        };
        int nodes = 20;
        try (WatchHandle ignored = cluster.client.watch(SharedInformers.NODES, "", ListQuery.ALL, ranges)) {
            for (int i = 0; i < nodes; i++) {
                createNode("r" + i, null, false);
                // as an agent registers: status writes right behind the create, each an update the allocator sees
                // while its cache may not hold the range it gave the node yet
                for (int k = 0; k < 5; k++) {
                    cluster.client.patch(SharedInformers.NODES, "", "r" + i, "status", PatchKind.MERGE,
                            Json.object().set("status", Json.object().set("nodeInfo",
                                    Json.object().put("bootID", "boot-" + k))));
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == nodes);
            // a second allocation would follow the first within milliseconds
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> seen.values().stream().allMatch(r -> r.size() == 1));
        }
        assertThat(seen.values()).as("ranges each node was seen with").allSatisfy(r -> assertThat(r).hasSize(1));
        assertThat(seen.values().stream().map(r -> r.iterator().next()).distinct()).hasSize(nodes);
        for (int i = 0; i < nodes; i++) {
            assertThat(seen.get("r" + i)).containsExactly(podCidr("r" + i));
        }
    }

    @Test
    void nodesGetDistinctRangesKeepTheirsAndFreeThemWhenDeleted() {
        createNode("kept", "10.250.1.0/24", false);
        startManager("10.250.0.0/23", 24);
        createNode("a", null, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !podCidr("a").isEmpty());
        assertThat(podCidr("a")).isEqualTo("10.250.0.0/24");
        assertThat(cluster.client.get(SharedInformers.NODES, "", "a").path("spec").path("podCIDRs").get(0).asText())
                .isEqualTo("10.250.0.0/24");
        assertThat(podCidr("kept")).isEqualTo("10.250.1.0/24");

        // the range is full: the next node waits with an event saying why
        createNode("b", null, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.list(SharedInformers.REGISTRY
                .byKind("v1", "Event").orElseThrow(), "default", io.gantry.client.ListQuery.ALL).items().stream()
                .anyMatch(e -> e.path("reason").asText().equals("CIDRNotAvailable")
                        && e.path("involvedObject").path("name").asText().equals("b")));
        assertThat(podCidr("b")).isEmpty();

        cluster.client.delete(SharedInformers.NODES, "", "a", DeleteRequest.DEFAULT);
        // a change to b after a's range was freed gives it that range
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            cluster.client.patch(SharedInformers.NODES, "", "b", "", io.gantry.client.PatchKind.MERGE,
                    Json.object().set("metadata", Json.object().set("labels", Json.object()
                            .put("poke", Long.toString(System.nanoTime())))));
            assertThat(podCidr("b")).isEqualTo("10.250.0.0/24");
        });
    }

    @Test
    void simulatedNodesGetNone() throws InterruptedException {
        startManager("10.250.0.0/16", 24);
        createNode("sim-0", null, true);
        createNode("real", null, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !podCidr("real").isEmpty());
        assertThat(podCidr("sim-0")).isEmpty();
    }
}
