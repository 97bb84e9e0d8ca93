package io.gantry.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.DeleteRequest;
import io.gantry.client.ListQuery;
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
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EndpointsControllerTest {
    @TempDir
    Path dir;
    ClusterFixture cluster;
    ControllerManager manager;

    @BeforeEach
    void start() {
        cluster = new ClusterFixture(dir);
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), Clock.systemUTC(),
                List.of(EndpointsController::new));
        manager.start();
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    private void pod(String name, String ip, boolean ready) {
        pod(name, ip, ready, null);
    }

    /** @param subdomain with it, the pod's hostname is its name under that subdomain, as a StatefulSet's are */
    private void pod(String name, String ip, boolean ready, String subdomain) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).putObject("labels").put("app", "web");
        ObjectNode podSpec = pod.putObject("spec");
        if (subdomain != null) {
            podSpec.put("hostname", name).put("subdomain", subdomain);
        }
        ObjectNode c = podSpec.putArray("containers").addObject().put("name", "c").put("image", "nginx");
        c.putArray("ports").addObject().put("name", "http").put("containerPort", 8080);
        ObjectNode created = cluster.client.create(SharedInformers.PODS, "default", pod);
        cluster.runReady(created, "node-1", Instant.now());
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode running = cluster.client.get(SharedInformers.PODS, "default", name);
            if (!ready) {
                ((ObjectNode) running.path("status").path("conditions").get(3)).put("status", "False");
            }
            ((ObjectNode) running.path("status")).put("podIP", ip);
            return cluster.client.updateStatus(SharedInformers.PODS, running);
        });
    }

    private Optional<ObjectNode> endpoints() {
        return cluster.client.find(SharedInformers.ENDPOINTS, "default", "web");
    }

    private List<ObjectNode> slices() {
        return cluster.client.list(SharedInformers.ENDPOINT_SLICES, "default",
                ListQuery.labels(EndpointsController.SERVICE_NAME + "=web")).items();
    }

    @Test
    void readyAndNotReadyPodsBecomeAddressesWithResolvedPorts() {
        pod("a", "10.1.0.1", true);
        pod("b", "10.1.0.2", false);
        ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", "web");
        ObjectNode spec = svc.putObject("spec");
        spec.putObject("selector").put("app", "web");
        spec.putArray("ports").addObject().put("name", "http").put("port", 80).put("targetPort", "http");
        cluster.client.create(SharedInformers.SERVICES, "default", svc);

        await().atMost(Duration.ofSeconds(10)).until(() -> endpoints().map(e ->
                e.at("/subsets/0/addresses/0/ip").asText().equals("10.1.0.1")
                        && e.at("/subsets/0/notReadyAddresses/0/ip").asText().equals("10.1.0.2")).orElse(false));
        JsonNode subset = endpoints().orElseThrow().at("/subsets/0");
        assertThat(subset.at("/ports/0/port").asInt()).isEqualTo(8080);
        assertThat(subset.at("/ports/0/name").asText()).isEqualTo("http");
        assertThat(subset.at("/addresses/0/targetRef/name").asText()).isEqualTo("a");
        assertThat(subset.at("/addresses/0/nodeName").asText()).isEqualTo("node-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> slices().size() == 1
                && slices().get(0).path("endpoints").size() == 2);
        ObjectNode slice = slices().get(0);
        assertThat(Meta.labels(slice)).containsEntry(EndpointsController.MANAGED_BY,
                EndpointsController.CONTROLLER_NAME);
        assertThat(slice.path("addressType").asText()).isEqualTo("IPv4");
        assertThat(slice.at("/ports/0/port").asInt()).isEqualTo(8080);
        for (JsonNode ep : slice.path("endpoints")) {
            boolean ready = ep.at("/addresses/0").asText().equals("10.1.0.1");
            assertThat(ep.at("/conditions/ready").asBoolean()).isEqualTo(ready);
            assertThat(ep.at("/conditions/serving").asBoolean()).isEqualTo(ready);
            assertThat(ep.at("/conditions/terminating").asBoolean()).isFalse();
        }

        cluster.client.delete(SharedInformers.PODS, "default", "a", DeleteRequest.DEFAULT);
        await().atMost(Duration.ofSeconds(10)).until(() -> endpoints().map(e ->
                e.at("/subsets/0/addresses").isMissingNode()).orElse(false));
        await().atMost(Duration.ofSeconds(10)).until(() -> slices().get(0).path("endpoints").toString()
                .contains("\"terminating\":true"));
    }

    @Test
    void podsWhoseSubdomainIsTheServiceCarryTheirHostname() {
        pod("web-0", "10.1.0.5", true, "web");
        pod("other", "10.1.0.6", true, "elsewhere");
        ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", "web");
        ObjectNode spec = svc.putObject("spec").put("clusterIP", "None");
        spec.putObject("selector").put("app", "web");
        spec.putArray("ports").addObject().put("name", "http").put("port", 80).put("targetPort", "http");
        cluster.client.create(SharedInformers.SERVICES, "default", svc);

        await().atMost(Duration.ofSeconds(10)).until(() -> slices().size() == 1
                && slices().get(0).path("endpoints").size() == 2);
        for (JsonNode ep : slices().get(0).path("endpoints")) {
            boolean named = ep.at("/addresses/0").asText().equals("10.1.0.5");
            assertThat(ep.path("hostname").asText(null)).isEqualTo(named ? "web-0" : null);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> endpoints().map(e ->
                e.at("/subsets/0/addresses").size() == 2).orElse(false));
        assertThat(endpoints().orElseThrow().at("/subsets/0/addresses").toString()).contains("\"hostname\":\"web-0\"")
                .doesNotContain("\"hostname\":\"other\"");
    }
}
