package io.gantry.controllers.podgc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.SharedInformers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PodGcControllerTest {
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

    private ObjectNode pod(String name, String node, String phase) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name);
        ObjectNode spec = pod.putObject("spec");
        if (node != null) {
            spec.put("nodeName", node);
        }
        spec.putArray("containers").addObject().put("name", "c").put("image", "busybox");
        ObjectNode created = cluster.client.create(SharedInformers.PODS, "default", pod);
        if (phase != null) {
            created.with("status").put("phase", phase);
            created = cluster.client.updateStatus(SharedInformers.PODS, created);
        }
        return created;
    }

    @Test
    void deletesTheOldestFinishedPodsAboveTheThresholdAndPodsOfMissingNodes() throws Exception {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", "real");
        cluster.client.create(SharedInformers.NODES, "", node);
        pod("done-1", "real", "Succeeded");
        // Creation timestamps have second resolution: done-1 must be the oldest.
        Thread.sleep(1100);
        pod("done-2", "real", "Failed");
        pod("done-3", "real", "Succeeded");
        pod("running", "real", "Running");
        pod("lost", "ghost", "Running");
        manager = new ControllerManager(cluster.client, ClusterFixture.config().withPodGc(2, Duration.ofMillis(200)),
                Clock.systemUTC(), List.of(PodGcController::new));
        manager.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client.find(SharedInformers.PODS, "default", "done-1")
                .isEmpty() && cluster.client.find(SharedInformers.PODS, "default", "lost").isEmpty());
        assertThat(cluster.pods("default", "").stream().map(Meta::name))
                .containsExactlyInAnyOrder("done-2", "done-3", "running");
    }
}
