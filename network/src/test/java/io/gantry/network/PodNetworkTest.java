package io.gantry.network;

import static io.gantry.network.testing.HostCommands.ok;
import static io.gantry.network.testing.HostCommands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.network.cni.CniException;
import io.gantry.network.cni.CniInterface;
import io.gantry.network.cni.CniPlugins;
import io.gantry.network.cni.CniRuntimeArgs;
import io.gantry.network.cni.NetworkConfigList;
import io.gantry.network.ns.PodNamespaces;
import io.gantry.network.testing.IptablesTraces;
import io.gantry.network.testing.NetworkFixture;
import io.gantry.network.testing.PodProcesses;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade against the real CNI plugins, real namespaces and real iptables (needs root). */
class PodNetworkTest {

    private static final Duration SERVER_START = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tempDir;

    private NetworkFixture fixture;

    @AfterEach
    void cleanUp() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void twoPodsGetDistinctAddressesAndReachEachOtherAndTheHostReachesThem() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String podA = fixture.newPodId();
        String podB = fixture.newPodId();

        PodNetworkStatus a = fixture.network.setUp(podA, "pod-a", List.of());
        PodNetworkStatus b = fixture.network.setUp(podB, "pod-b", List.of());

        assertThat(a.ip()).startsWith(fixture.subnetPrefix).isNotEqualTo(b.ip());
        assertThat(b.ip()).startsWith(fixture.subnetPrefix);
        assertThat(a.gateway()).isEqualTo(fixture.subnetPrefix + "1").isEqualTo(b.gateway());
        try (var server = PodProcesses.httpServer(b.namespaces(), 8080, tempDir.resolve("www-b"), "hello from b")) {
            await().atMost(SERVER_START).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                    assertThat(PodProcesses.wgetFrom(a.namespaces(), b.ip(), 8080)).isEqualTo("hello from b"));
            assertThat(PodProcesses.httpGetFromHost(b.ip(), 8080)).isEqualTo("hello from b");
        }
    }

    @Test
    void podNamespacesHaveLoopbackUpTheHostnameAndTheAddress() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String pod = fixture.newPodId();

        PodNetworkStatus status = fixture.network.setUp(pod, "web-0", List.of());

        assertThat(ok("nsenter", "--uts=" + status.namespaces().uts(), "/bin/busybox", "hostname").strip())
                .isEqualTo("web-0");
        assertThat(ok("nsenter", "--net=" + status.namespaces().net(), "ip", "-o", "link", "show", "lo"))
                .contains("<LOOPBACK,UP,LOWER_UP>");
        ok("nsenter", "--net=" + status.namespaces().net(), "/bin/busybox", "ping", "-c", "1", "-W", "2",
                "127.0.0.1");
        assertThat(ok("nsenter", "--net=" + status.namespaces().net(), "ip", "-o", "-4", "addr", "show", "eth0"))
                .contains(status.ip() + "/24");
        assertThat(fixture.network.status(pod)).contains(status);
        assertThat(fixture.network.setUp(pod, "web-0", List.of())).as("setUp of a set-up pod").isEqualTo(status);
        fixture.network.check(pod);
    }

    @Test
    void checkReportsAPodWhoseInterfaceWasRemoved() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String pod = fixture.newPodId();
        PodNetworkStatus status = fixture.network.setUp(pod, "broken", List.of());

        ok("nsenter", "--net=" + status.namespaces().net(), "ip", "link", "del", "eth0");

        assertThatThrownBy(() -> fixture.network.check(pod))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.pluginType()).isEqualTo("bridge"))
                .hasMessageContaining("CHECK");
    }

    @Test
    void tearDownReleasesTheAddressTheVethAndTheNamespaces() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String pod = fixture.newPodId();
        PodNetworkStatus status = fixture.network.setUp(pod, "short-lived", List.of());
        Path allocation = Path.of(fixture.hostLocalDirOf(), status.ip());
        String hostVeth = hostVethOf(status);
        assertThat(allocation).exists();
        assertThat(run("ip", "link", "show", hostVeth).succeeded()).isTrue();
        assertThat(fixture.network.listPods()).containsExactly(pod);

        fixture.network.tearDown(pod);

        assertThat(allocation).doesNotExist();
        assertThat(hostAllocations()).isEmpty();
        assertThat(run("ip", "link", "show", hostVeth).succeeded()).as("veth %s after tearDown", hostVeth).isFalse();
        assertThat(status.namespaces().all()).allSatisfy(file -> assertThat(file).doesNotExist());
        assertThat(fixture.network.listPods()).isEmpty();
        assertThat(fixture.network.status(pod)).isEmpty();
        assertThat(podRules(pod)).isEmpty();
        fixture.network.tearDown(pod); // idempotent
    }

    @Test
    void aHostPortReachesTheServerInThePod() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String pod = fixture.newPodId();
        int hostPort = freeHostPort();

        PodNetworkStatus status = fixture.network.setUp(pod, "web", List.of(PortMapping.tcp(hostPort, 8080)));

        try (var server = PodProcesses.httpServer(status.namespaces(), 8080, tempDir.resolve("www"), "via hostPort")) {
            await().atMost(SERVER_START).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                    assertThat(PodProcesses.httpGetFromHost(status.ip(), 8080)).isEqualTo("via hostPort"));
            assertThat(PodProcesses.httpGetFromHost(status.gateway(), hostPort)).isEqualTo("via hostPort");
            assertThat(PodProcesses.httpGetFromHost("127.0.0.1", hostPort)).isEqualTo("via hostPort");
        }
        fixture.network.check(pod);
        assertThat(IptablesTraces.linesMentioning(List.of(pod))).as("portmap's rules for the pod").isNotEmpty();

        fixture.network.tearDown(pod);

        assertThat(podRules(pod)).isEmpty();
    }

    @Test
    void anUnknownPluginTypeGivesAClearCniExceptionAndSetUpLeavesNothingBehind() throws Exception {
        ObjectNode unknown = JSON.createObjectNode().put("type", "gantry-no-such-plugin");
        fixture = new NetworkFixture(tempDir, builder -> builder.chainPlugin(unknown));
        String pod = fixture.newPodId();

        assertThatThrownBy(() -> fixture.network.setUp(pod, "doomed", List.of(PortMapping.tcp(freeHostPort(), 80))))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.pluginType()).isEqualTo("gantry-no-such-plugin");
                    assertThat(e.getSuppressed()).as("the rollback succeeded").isEmpty();
                })
                .hasMessageContaining("'gantry-no-such-plugin'")
                .hasMessageContaining("/usr/lib/cni");

        assertNothingLeftOf(pod);
        fixture.network.tearDown(pod);
        assertNothingLeftOf(pod);
    }

    @Test
    void tearDownCleansUpAfterASetUpThatWasInterruptedHalfWay() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String pod = fixture.newPodId();
        // What an agent that died during setUp leaves: namespaces, and an ADD that got through bridge (IP, veth,
        // masquerading) and portmap but not to the end of the list.
        PodNamespaces namespaces = new PodNamespaces(fixture.namespaceRoot, PodNamespaces.DEFAULT_TIMEOUT);
        var paths = namespaces.create(pod, "half");
        ObjectNode list = fixture.network.conflist().toJsonTree();
        list.withArray("plugins").addObject().put("type", "gantry-no-such-plugin");
        CniPlugins cni = new CniPlugins(CniPlugins.DEFAULT_PLUGIN_DIRS, fixture.cacheDir, Duration.ofSeconds(30));
        CniRuntimeArgs args = CniRuntimeArgs.of(pod, paths.net(), "eth0").withCapability("portMappings",
                JSON.readTree("[{\"hostPort\":" + freeHostPort() + ",\"containerPort\":80,\"protocol\":\"tcp\"}]"));
        assertThatThrownBy(() -> cni.add(NetworkConfigList.of(list), args)).isInstanceOf(CniException.class);
        assertThat(hostAllocations()).hasSize(1);
        assertThat(IptablesTraces.linesMentioning(List.of(pod))).isNotEmpty();

        fixture.network.tearDown(pod);

        assertNothingLeftOf(pod);
    }

    @Test
    void tearDownReleasesTheAddressOfAPodWhoseNamespacesVanishedAsInANodeReboot() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String pod = fixture.newPodId();
        PodNetworkStatus status = fixture.network.setUp(pod, "rebooted", List.of());
        new PodNamespaces(fixture.namespaceRoot, PodNamespaces.DEFAULT_TIMEOUT).remove(pod);
        assertThat(hostAllocations()).containsExactly(status.ip());
        assertThat(fixture.network.listPods()).as("known through the attachment record").containsExactly(pod);

        fixture.network.tearDown(pod);

        assertNothingLeftOf(pod);
    }

    @Test
    void podTrafficLeavingThePodCidrIsMasqueradedByOneRuleSetForTheNode() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String podA = fixture.newPodId();
        String podB = fixture.newPodId();
        PodNetworkStatus a = fixture.network.setUp(podA, "pod-a", List.of());
        fixture.network.setUp(podB, "pod-b", List.of());
        String chain = fixture.config.masqueradeChain();
        assertThat(ok("iptables", "-w", "5", "-t", "nat", "-S", "POSTROUTING").lines()
                .filter(rule -> rule.contains("-j " + chain))).as("jumps to %s", chain).hasSize(1);
        assertThat(IptablesTraces.linesMentioning(List.of(podA, podB))).as("rules of single pods").isEmpty();
        assertThat(ok("iptables", "-w", "5", "-S", "FORWARD").lines()
                .filter(rule -> rule.contains("-j " + fixture.config.forwardChain())))
                .as("pods forwarded whatever the FORWARD policy").hasSize(1);

        // a network outside the node, in a namespace of this test: 198.18.x.0/30 (benchmarking range) on a veth
        String suffix = fixture.bridge.substring(2);
        String outside = "gtout-" + suffix;
        String hostSide = "gto" + suffix;
        String third = String.valueOf(Integer.parseInt(fixture.subnetPrefix.split("\\.")[2]));
        String hostAddress = "198.18." + third + ".1";
        String outsideAddress = "198.18." + third + ".2";
        Path cgi = Files.createDirectories(tempDir.resolve("outside-www/cgi-bin")).resolve("peer");
        Files.writeString(cgi, "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"$REMOTE_ADDR\"\n");
        ok("chmod", "755", cgi.toString());
        Process server = null;
        try {
            ok("ip", "netns", "add", outside);
            ok("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", outside);
            ok("ip", "addr", "add", hostAddress + "/30", "dev", hostSide);
            ok("ip", "link", "set", hostSide, "up");
            ok("ip", "-n", outside, "addr", "add", outsideAddress + "/30", "dev", "eth0");
            ok("ip", "-n", outside, "link", "set", "eth0", "up");
            server = new ProcessBuilder("ip", "netns", "exec", outside, "/bin/busybox", "httpd", "-f", "-p", "8080",
                    "-h", tempDir.resolve("outside-www").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String url = "http://" + outsideAddress + ":8080/cgi-bin/peer";
            await().atMost(SERVER_START).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                    assertThat(peerSeenFrom(a, url)).as("the address the outside sees").isEqualTo(hostAddress));

            // without the node's rules (and with a route back) the outside sees the pod itself
            fixture.network.removeNodeRules();
            ok("ip", "-n", outside, "route", "add", fixture.subnet, "via", hostAddress);
            assertThat(peerSeenFrom(a, url)).isEqualTo(a.ip());
            assertThat(IptablesTraces.linesMentioning(List.of(chain, fixture.config.forwardChain()))).isEmpty();
        } finally {
            if (server != null) {
                server.destroyForcibly();
                server.waitFor();
            }
            run("ip", "netns", "del", outside);
            run("ip", "link", "del", hostSide);
        }
    }

    /** The client address a CGI on the outside reports; busybox httpd writes IPv4 peers as [::ffff:a.b.c.d]. */
    private static String peerSeenFrom(PodNetworkStatus pod, String url) {
        return ok("nsenter", "--net=" + pod.namespaces().net(), "/bin/busybox", "wget", "-q", "-O", "-", url).strip()
                .replace("[::ffff:", "").replace("]", "");
    }

    /** Rules that mention the pod or the pod CIDR, apart from the node's own chains, which serve every pod. */
    private List<String> podRules(String pod) {
        List<String> nodeChains = List.of(fixture.config.masqueradeChain(), fixture.config.forwardChain());
        return IptablesTraces.linesMentioning(List.of(pod, fixture.subnetPrefix)).stream()
                .filter(rule -> nodeChains.stream().noneMatch(rule::contains))
                .toList();
    }

    private void assertNothingLeftOf(String pod) throws IOException {
        assertThat(hostAllocations()).as("addresses still allocated").isEmpty();
        assertThat(ok("ip", "-o", "link", "show", "master", fixture.bridge).strip()).as("veths on the bridge")
                .isEmpty();
        assertThat(fixture.network.listPods()).isEmpty();
        assertThat(fixture.namespaceRoot.resolve(pod)).doesNotExist();
        assertThat(podRules(pod)).isEmpty();
        assertThat(fixture.cacheDir.resolve(fixture.networkName).resolve(pod)).doesNotExist();
    }

    /** host-local's allocation files are named by address; it also keeps a lock and last_reserved_ip file. */
    private List<String> hostAllocations() throws IOException {
        Path dir = Path.of(fixture.hostLocalDirOf());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith(fixture.subnetPrefix))
                    .toList();
        }
    }

    private String hostVethOf(PodNetworkStatus status) {
        return status.cniResult().interfaces().stream()
                .filter(iface -> !iface.inSandbox() && !iface.name().equals(fixture.bridge))
                .map(CniInterface::name)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no host veth in " + status.cniResult().json()));
    }

    private static int freeHostPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
