package io.gantry.controllers.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.PatchKind;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.SharedInformers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadBalancerControllerTest {
    @TempDir
    Path dir;
    ClusterFixture cluster;
    ControllerManager manager;

    @BeforeEach
    void start() {
        cluster = new ClusterFixture(dir);
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), Clock.systemUTC(),
                List.of(LoadBalancerController::new));
        manager.start();
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    private void node(String name, String ip, boolean ready, boolean simulated) {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = node.putObject("metadata").put("name", name);
        if (simulated) {
            meta.putObject("labels").put(LoadBalancerController.SIMULATED_LABEL, "true");
        }
        cluster.client.create(SharedInformers.NODES, "", node);
        readiness(name, ip, ready);
    }

    private void readiness(String name, String ip, boolean ready) {
        ObjectNode status = Json.object();
        status.putArray("addresses").addObject().put("type", "InternalIP").put("address", ip);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
        cluster.client.patchWithoutResult(SharedInformers.NODES, "", name, "status", PatchKind.MERGE,
                Json.object().set("status", status));
    }

    private String ingress() {
        return cluster.client.get(SharedInformers.SERVICES, "default", "lb").path("status").path("loadBalancer")
                .path("ingress").toString();
    }

    @Test
    void theIngressListsTheReadyRealNodesAndFollowsThem() {
        node("b", "10.0.0.2", true, false);
        node("a", "10.0.0.1", true, false);
        node("sim", "10.0.0.9", true, true);
        ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", "lb");
        ObjectNode spec = svc.putObject("spec").put("type", "LoadBalancer");
        spec.putObject("selector").put("app", "web");
        spec.putArray("ports").addObject().put("port", 80).put("targetPort", 8080);
        cluster.client.create(SharedInformers.SERVICES, "default", svc);

        await().atMost(Duration.ofSeconds(10)).until(() -> ingress().equals(
                "[{\"ip\":\"10.0.0.1\",\"ipMode\":\"VIP\"},{\"ip\":\"10.0.0.2\",\"ipMode\":\"VIP\"}]"));

        readiness("b", "10.0.0.2", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> ingress().equals("[{\"ip\":\"10.0.0.1\",\"ipMode\":\"VIP\"}]"));

        cluster.client.patchWithoutResult(SharedInformers.SERVICES, "default", "lb", "", PatchKind.MERGE,
                Json.object().set("spec", Json.object().put("type", "NodePort")));
        await().atMost(Duration.ofSeconds(10)).until(() -> ingress().equals("") || ingress().equals("[]"));
    }
}
