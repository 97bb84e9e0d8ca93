package io.gantry.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.EventRecorder;
import io.gantry.client.ListQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Leader election over the Lease and the event recorder, against a real API server. */
class ControllerManagerTest {
    @TempDir
    Path dir;
    ClusterFixture cluster;
    final List<ControllerManager> managers = new ArrayList<>();
    final Set<String> running = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() {
        cluster = new ClusterFixture(dir);
    }

    @AfterEach
    void stop() {
        managers.forEach(ControllerManager::close);
        cluster.close();
    }

    /** A controller that only says whether it runs. */
    private ControllerManager.ControllerFactory probe(String identity) {
        return term -> new Controller("probe", 1, term.clock()) {
            @Override
            protected void reconcile(String key) {
            }

            @Override
            protected void started() {
                running.add(identity);
            }

            @Override
            public void close() {
                running.remove(identity);
                super.close();
            }
        };
    }

    private ControllerManager manager(String identity) {
        ControllerManagerConfig config = ControllerManagerConfig.defaults().withIdentity(identity)
                .withLeaderElection(true, Duration.ofSeconds(1), Duration.ofMillis(800), Duration.ofMillis(100));
        ControllerManager m = new ControllerManager(cluster.client, config, Clock.systemUTC(), List.of(probe(identity)));
        managers.add(m);
        m.start();
        return m;
    }

    private ObjectNode lease() {
        return cluster.client.get(SharedInformers.LEASES, "kube-system", "gantry-controller-manager");
    }

    @Test
    void onlyTheLeaseHolderRunsControllersAndAnotherTakesOverWhenItLeaves() {
        ControllerManager a = manager("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> running.contains("a"));
        ControllerManager b = manager("b");
        assertThat(lease().at("/spec/holderIdentity").asText()).isEqualTo("a");
        assertThat(lease().at("/spec/leaseDurationSeconds").asInt()).isEqualTo(1);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() ->
                running.equals(Set.of("a")) && b.isRunningControllers() == false);

        a.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> running.equals(Set.of("b")));
        assertThat(lease().at("/spec/holderIdentity").asText()).isEqualTo("b");
        assertThat(lease().at("/spec/leaseTransitions").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void losingTheLeaseStopsTheControllers() {
        manager("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> running.contains("a"));
        ObjectNode stolen = lease();
        stolen.with("spec").put("holderIdentity", "intruder").put("leaseDurationSeconds", 30)
                .put("renewTime", Meta.microTime(java.time.Instant.now()));
        cluster.client.update(SharedInformers.LEASES, stolen);
        await().atMost(Duration.ofSeconds(5)).until(() -> !running.contains("a"));
    }

    @Test
    void defaultsFollowKubeControllerManager() {
        ControllerManagerConfig d = ControllerManagerConfig.defaults();
        assertThat(d.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(d.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.nodeMonitorGracePeriod()).isEqualTo(Duration.ofSeconds(40));
        assertThat(d.terminatedPodGcThreshold()).isEqualTo(12500);
        assertThat(d.identity()).isNotBlank();
    }

    @Test
    void repeatedEventsAreAggregatedIntoOneWithACount() {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "subject");
        ObjectNode subject = cluster.client.create(SharedInformers.type("v1", "ConfigMap"), "default", cm);
        subject.put("apiVersion", "v1").put("kind", "ConfigMap");
        try (EventRecorder events = new EventRecorder(cluster.client, "test-controller", Clock.systemUTC())) {
            events.event(subject, EventRecorder.NORMAL, "Poked", "poked once");
            events.event(subject, EventRecorder.NORMAL, "Poked", "poked once");
            events.event(subject, EventRecorder.WARNING, "Failed", "something else");
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                List<ObjectNode> items = cluster.client.list(SharedInformers.type("v1", "Event"), "default",
                        ListQuery.fields("involvedObject.name=subject")).items();
                return items.size() == 2 && items.stream().anyMatch(e -> e.path("reason").asText().equals("Poked")
                        && e.path("count").asInt() == 2 && e.path("type").asText().equals("Normal")
                        && e.at("/involvedObject/uid").asText().equals(Meta.uid(subject))
                        && e.at("/source/component").asText().equals("test-controller"));
            });
        }
    }
}
