package io.gantry.network.services;

import static io.gantry.network.testing.HostCommands.ok;
import static io.gantry.network.testing.HostCommands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gantry.network.PodNetworkStatus;
import io.gantry.network.PortMapping;
import io.gantry.network.exec.Nft;
import io.gantry.network.exec.ProcessResult;
import io.gantry.network.testing.NetworkFixture;
import io.gantry.network.testing.PodProcesses;
import io.gantry.network.testing.PrivateNetns;
import java.io.IOException;
import java.net.ConnectException;
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
 * The nftables backend against the real nft, CNI bridge and namespaces (needs root), as {@link ServiceProxierTest}
 * does for iptables: a cluster IP spreads a client pod's connections over two server pods, a server reaches its
 * own service (hairpin), a node port answers on a node address, ClientIP affinity sticks, an endpoint change
 * takes effect, a service without endpoints refuses at once, and no table is left behind. The test's bridge
 * lives in the host's network namespace, so the proxier writes a table there, named after the test's own pod
 * range; the cluster IP is routed onto the test's bridge for the test's duration, so that a packet the rules
 * missed could not leave the host. What needs no pods (repairs, a failed update) runs in a namespace of its own.
 */
class NftServiceProxierTest {
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
            NftServiceProxier proxier = new NftServiceProxier(fixture.subnet);
            String table = proxier.table();
            assertThat(ok("nft", "list", "tables")).doesNotContain(table);
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

                proxier.sync(List.of(web(clusterIp, nodePort, false, List.of(new ServicePort.Endpoint(c.ip(), 8080)))));
                Set<String> afterChange = new HashSet<>();
                for (int i = 0; i < 10; i++) {
                    afterChange.add(PodProcesses.wgetFrom(client.namespaces(), clusterIp, 80));
                }
                assertThat(afterChange).as("only the endpoint left").containsExactly("from c");

                proxier.sync(List.of(web(clusterIp, nodePort, false, List.of())));
                long start = System.nanoTime();
                ProcessResult refused = run("timeout", "5", "nsenter", "--net=" + client.namespaces().net(),
                        "/bin/busybox", "wget", "-q", "-O", "-", "http://" + clusterIp + ":80/index.html");
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(refused.succeeded()).isFalse();
                assertThat(refused.stderr() + refused.stdout()).contains("refused");
                assertThat(took).as("refused at once, not timed out").isLessThan(Duration.ofSeconds(3));
                assertThatThrownBy(() -> PodProcesses.httpGetFromHost(b.gateway(), nodePort))
                        .as("the node port refuses too").isInstanceOf(ConnectException.class);
                assertThat(ok("nft", "list", "table", "ip", table)).doesNotContain("chain svc-").doesNotContain("dnat ip to");
            } finally {
                proxier.removeAll();
                run("ip", "route", "del", clusterIp + "/32", "dev", fixture.bridge);
                run("nft", "delete", "table", "ip", table); // in case removeAll failed
            }
            assertThat(ok("nft", "list", "tables")).doesNotContain(table);
        }
    }

    @Test
    void aResyncRepairsTheTableAndAFailedUpdateIsFollowedByAFullWrite() throws Exception {
        try (PrivateNetns netns = new PrivateNetns()) {
            Nft nft = new Nft(netns.prefix());
            NftServiceProxier proxier = new NftServiceProxier("10.244.0.0/24", Optional.empty(), "gantry-svc-test", nft);
            ServicePort other = new ServicePort("default/other:http", Optional.of("10.96.0.11"), 80,
                    PortMapping.Protocol.TCP, 0, false, false, 0, List.of(new ServicePort.Endpoint("10.244.0.9", 80)));
            List<ServicePort.Endpoint> one = List.of(new ServicePort.Endpoint("10.244.0.2", 8080));
            proxier.sync(List.of(web("10.96.0.10", 30080, true, one), other));
            String affinity = NftServiceRules.rules(List.of(web("10.96.0.10", 30080, true, one)), "10.244.0.0/24",
                    Optional.empty()).affinitySets().keySet().iterator().next();
            netns.ok("nft", "add", "element", "ip", "gantry-svc-test", affinity, "{ 10.244.0.50 }");
            String svc = NftServiceRules.name("svc-", "default/web:http/tcp", "default/web_http/tcp");
            netns.ok("nft", "flush", "chain", "ip", "gantry-svc-test", svc);
            netns.ok("nft", "add", "chain", "ip", "gantry-svc-test", "stray");

            proxier.sync(List.of(web("10.96.0.10", 30080, true, one), other));
            assertThat(netns.ok("nft", "list", "chain", "ip", "gantry-svc-test", svc)).as("nothing changed")
                    .doesNotContain("numgen");
            proxier.resync(List.of(web("10.96.0.10", 30080, true, one)));
            String table = netns.ok("nft", "list", "table", "ip", "gantry-svc-test");
            assertThat(table).contains("numgen random mod 1").doesNotContain("stray").doesNotContain("default/other");
            assertThat(netns.ok("nft", "list", "set", "ip", "gantry-svc-test", affinity))
                    .as("the affinity's clients outlive a resync").contains("10.244.0.50");

            netns.ok("nft", "delete", "table", "ip", "gantry-svc-test");
            assertThatThrownBy(() -> proxier.sync(List.of(web("10.96.0.10", 30080, false, one))))
                    .isInstanceOf(IOException.class);
            proxier.sync(List.of(web("10.96.0.10", 30080, false, one)));
            assertThat(netns.ok("nft", "list", "table", "ip", "gantry-svc-test")).contains("10.244.0.2:8080")
                    .doesNotContain("aff-");

            proxier.removeAll();
            proxier.removeAll();
            assertThat(netns.ok("nft", "list", "tables")).doesNotContain("gantry-svc-test");
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
