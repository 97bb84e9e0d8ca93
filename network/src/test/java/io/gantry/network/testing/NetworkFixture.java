package io.gantry.network.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.network.PodNetwork;
import io.gantry.network.PodNetworkConfig;
import io.gantry.network.ns.PodNamespaces;
import io.gantry.network.policy.PolicyChains;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One test's private pod network: a bridge named "gt" + random hex, a /24 inside 10.251.0.0/16 that nothing on the
 * host routes yet, and IPAM, cache, conf and namespace directories under the test's temp dir.
 *
 * <p>{@link #close()} undoes everything, also after a failed test: DEL of every pod the test named, the
 * namespaces and the namespace root's self-bind, the bridge, and every iptables rule or chain mentioning the
 * subnet, a pod id or one of the network's own chains, network policy chains included (and portmap's shared
 * chains if this test created them). It then verifies that iptables-save mentions none of them any more.
 */
public final class NetworkFixture implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_SUBNET_ATTEMPTS = 50;

    public final String bridge;
    public final String networkName;
    public final String subnet;
    /** "10.251.N." — every address of the subnet starts with it, which is what iptables rules show. */
    public final String subnetPrefix;
    public final Path ipamDir;
    public final Path cacheDir;
    public final Path confDir;
    public final Path namespaceRoot;
    public final PodNetworkConfig config;
    public final PodNetwork network;
    private final Set<String> podIds = new LinkedHashSet<>();
    private final boolean portmapChainsExistedBefore;

    public NetworkFixture(Path tempDir) throws IOException {
        this(tempDir, builder -> builder);
    }

    public NetworkFixture(Path tempDir, UnaryOperator<PodNetworkConfig.Builder> customize) throws IOException {
        HostCommands.requireTools();
        String suffix = randomHex(4);
        bridge = "gt" + suffix;
        networkName = "gtnet-" + suffix;
        int octet = freeThirdOctet();
        subnetPrefix = "10.251." + octet + ".";
        subnet = subnetPrefix + "0/24";
        ipamDir = Files.createDirectories(tempDir.resolve("ipam"));
        cacheDir = tempDir.resolve("cni-cache");
        confDir = tempDir.resolve("net.d");
        namespaceRoot = Files.createTempDirectory("gantry-ns-test-");
        portmapChainsExistedBefore = IptablesTraces.chainExists("nat", "CNI-HOSTPORT-DNAT");
        config = customize.apply(PodNetworkConfig.builder(subnet)
                .networkName(networkName)
                .bridgeName(bridge)
                .ipamDataDir(ipamDir)
                .cniCacheDir(cacheDir)
                .confDir(confDir)
                .namespaceRoot(namespaceRoot)).build();
        network = PodNetwork.create(config);
    }

    /** A fresh pod id that {@link #close()} will tear down. */
    public String newPodId() {
        String podId = "gtpod-" + randomHex(6);
        podIds.add(podId);
        return podId;
    }

    /** Everything iptables must not mention once the fixture is closed. */
    public Set<String> traces() {
        Set<String> needles = new LinkedHashSet<>(podIds);
        needles.add(subnetPrefix);
        needles.add(config.masqueradeChain());
        needles.add(config.forwardChain());
        needles.add(config.policyChain());
        needles.addAll(PolicyChains.of(config).prefixes());
        return needles;
    }

    public String hostLocalDirOf() {
        return ipamDir.resolve(networkName).toString();
    }

    @Override
    public void close() throws Exception {
        List<Throwable> problems = new ArrayList<>();
        for (String podId : podIds) {
            attempt(problems, () -> network.tearDown(podId));
        }
        PodNamespaces namespaces = new PodNamespaces(namespaceRoot, PodNamespaces.DEFAULT_TIMEOUT);
        for (String podId : podIds) {
            attempt(problems, () -> namespaces.remove(podId));
        }
        attempt(problems, namespaces::releaseRoot);
        attempt(problems, () -> {
            if (HostCommands.run("ip", "link", "show", bridge).succeeded()) {
                HostCommands.ok("ip", "link", "del", bridge);
            }
        });
        attempt(problems, network::removeNodeRules);
        attempt(problems, () -> IptablesTraces.remove(traces()));
        if (!portmapChainsExistedBefore) {
            attempt(problems, IptablesTraces::removeUnusedSharedPortmapChains);
        }
        attempt(problems, () -> Files.deleteIfExists(namespaceRoot));
        attempt(problems, () -> assertThat(IptablesTraces.linesMentioning(traces()))
                .as("iptables rules left behind for subnet %s or pods %s", subnet, podIds).isEmpty());
        attempt(problems, () -> assertThat(HostCommands.run("ip", "link", "show", bridge).succeeded())
                .as("bridge %s left behind", bridge).isFalse());
        if (!problems.isEmpty()) {
            AssertionError failure = new AssertionError("cleanup of test network " + bridge + " failed: "
                    + problems.getFirst(), problems.getFirst());
            problems.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<Throwable> problems, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            problems.add(e);
        }
    }

    /** A /24 in 10.251.0.0/16 that no route on the host mentions, so the test cannot disturb anything. */
    private static int freeThirdOctet() {
        String routes = HostCommands.ok("ip", "-4", "route", "show", "table", "all");
        String addresses = HostCommands.ok("ip", "-4", "-o", "addr", "show");
        for (int attempt = 0; attempt < MAX_SUBNET_ATTEMPTS; attempt++) {
            int octet = 1 + RANDOM.nextInt(254);
            String prefix = "10.251." + octet + ".";
            if (!routes.contains(prefix) && !addresses.contains(prefix)) {
                return octet;
            }
        }
        throw new IllegalStateException("no free /24 in 10.251.0.0/16 after " + MAX_SUBNET_ATTEMPTS + " tries");
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
