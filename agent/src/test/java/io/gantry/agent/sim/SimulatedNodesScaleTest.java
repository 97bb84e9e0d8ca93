package io.gantry.agent.sim;

import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.client.ApiClient;
import io.gantry.client.HttpApiClient;
import io.gantry.client.ListQuery;
import io.gantry.client.Tls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** 1,000 simulated nodes register in well under the test budget. */
class SimulatedNodesScaleTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType NODES = REGISTRY.byKind("v1", "Node").orElseThrow();
    private static final ResourceType LEASES = REGISTRY.byKind("coordination.k8s.io/v1", "Lease").orElseThrow();

    @Test
    void thousandNodesRegister(@TempDir Path tmp) {
        try (ApiServer server = ApiServer.start(ServerConfig.defaults(tmp).withPort(0));
             ApiClient client = new HttpApiClient("https://127.0.0.1:" + server.port(),
                     Tls.trusting(server.credentials().caPem()), server.credentials().adminToken(), "scale-test")) {
            long started = System.nanoTime();
            try (SimulatedNodes sim = new SimulatedNodes(client, SimulationConfig.defaults("sim-scale", 1000),
                    Clock.systemUTC()).start()) {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(sim.registeredCount()).isEqualTo(1000);
                assertThat(took).isLessThan(Duration.ofSeconds(20));
                assertThat(client.list(NODES, "", ListQuery.labels("gantry.io/simulated=true")).items()).hasSize(1000);
                assertThat(client.list(LEASES, "kube-node-lease", ListQuery.ALL).items()).hasSize(1000);
                System.out.println("1000 simulated nodes registered in " + took.toMillis() + " ms");
            }
            // closing leaves the nodes registered, like a stopped kubelet
            assertThat(client.list(NODES, "", ListQuery.ALL).items()).hasSize(1000);
        }
    }
}
