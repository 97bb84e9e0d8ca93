package io.gantry.network.services;

import static io.gantry.network.testing.HostCommands.ok;
import static io.gantry.network.testing.HostCommands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.network.PodNetworkStatus;
import io.gantry.network.PortMapping;
import io.gantry.network.testing.NetworkFixture;
import io.gantry.network.testing.PodProcesses;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service rules against the real iptables, CNI bridge and namespaces (needs root): a cluster IP spreads a
 * client pod's connections over two server pods, a server reaches its own service (hairpin), a node port answers
 * on a node address, ClientIP affinity sticks, a service without endpoints refuses at once, and nothing is left
 * behind. The cluster IP is routed onto the test's own bridge for the test's duration, so that a packet the rules
 * missed could not leave the host.
 */
class ServiceProxierTest {
    private static final Duration SERVER_START = Duration.ofSeconds(10);

    @TempDir
    Path tempDir;

    @Test
    void aClusterIpAndANodePortReachEveryEndpoint() throws Exception {
        try (NetworkFixture fixture = new NetworkFixture(tempDir)) {
            PodNetworkStatus client = fixture.network.setUp(fixture.newPodId(), "client", List.of());
            PodNetworkStatus b = fixture.network.setUp(fixture.newPodId(), "b", List.of());
            PodNetworkStatus c = fixture.network.setUp(fixture.newPodId(), "c", List.of());
            String clusterIp = "10.97." + fixture.subnetPrefix.split("\\.")[2] + ".10";
            int nodePort = freePort();
            ServiceProxier proxier = new ServiceProxier(fixture.subnet);
            ok("ip", "route", "add", clusterIp + "/32", "dev", fixture.bridge);
            try (var serverB = PodProcesses.httpServer(b.namespaces(), 8080, tempDir.resolve("b"), "from b");
                 var serverC = PodProcesses.httpServer(c.namespaces(), 8080, tempDir.resolve("c"), "from c")) {
                List<ServicePort.Endpoint> both = List.of(new ServicePort.Endpoint(b.ip(), 8080),
                        new ServicePort.Endpoint(c.ip(), 8080));
                proxier.sync(List.of(web(clusterIp, nodePort, false, both)));

                Set<String> seen = new HashSet<>();
                await().atMost(SERVER_START).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                    seen.add(PodProcesses.wgetFrom(client.namespaces(), clusterIp, 80));
                    return seen.size() == 2;
                });
                assertThat(seen).containsExactlyInAnyOrder("from b", "from c");
                Set<String> hairpin = new HashSet<>();
                for (int i = 0; i < 40 && hairpin.size() < 2; i++) {
                    hairpin.add(PodProcesses.wgetFrom(b.namespaces(), clusterIp, 80));
                }
                assertThat(hairpin).as("a server reaching its own service").containsExactlyInAnyOrder("from b", "from c");
                assertThat(PodProcesses.httpGetFromHost(b.gateway(), nodePort)).isIn("from b", "from c");

                proxier.sync(List.of(web(clusterIp, nodePort, true, both)));
                Set<String> sticky = new HashSet<>();
                for (int i = 0; i < 10; i++) {
                    sticky.add(PodProcesses.wgetFrom(client.namespaces(), clusterIp, 80));
                }
                assertThat(sticky).as("ClientIP affinity").hasSize(1);

                proxier.sync(List.of(web(clusterIp, nodePort, false, List.of())));
                var refused = run("nsenter", "--net=" + client.namespaces().net(), "/bin/busybox", "wget", "-q",
                        "-O", "-", "http://" + clusterIp + ":80/index.html");
                assertThat(refused.succeeded()).isFalse();
                assertThat(refused.stderr() + refused.stdout()).contains("refused");
                assertThat(ok("iptables-save", "-t", "nat")).doesNotContain("GANTRY-SEP-");
            } finally {
                proxier.removeAll();
                run("ip", "route", "del", clusterIp + "/32", "dev", fixture.bridge);
            }
            assertThat(ok("iptables-save")).doesNotContain("GANTRY-SERVICES").doesNotContain("GANTRY-SVC-")
                    .doesNotContain("GANTRY-SEP-").doesNotContain("GANTRY-NODEPORTS")
                    .doesNotContain("GANTRY-POSTROUTING").doesNotContain("GANTRY-MARK-MASQ");
        }
    }

    private static ServicePort web(String clusterIp, int nodePort, boolean affinity,
                                   List<ServicePort.Endpoint> endpoints) {
        return new ServicePort("default/web:http", Optional.of(clusterIp), 80, PortMapping.Protocol.TCP, nodePort,
                false, affinity, 10800, endpoints);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
