package io.gantry.network.policy;

import static io.gantry.network.testing.HostCommands.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.network.PodNetworkStatus;
import io.gantry.network.PortMapping.Protocol;
import io.gantry.network.testing.NetworkFixture;
import io.gantry.network.testing.PodProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network policies against the real iptables, CNI bridge and namespaces (needs root): three pods on one bridge,
 * cut off from each other and let through again, and the rendered rules exactly as iptables-save shows them. A
 * dropped connection is given up on after {@link #BLOCKED_SECONDS}.
 */
class PolicyEnforcerTest {
    private static final Duration SERVER_START = Duration.ofSeconds(10);
    private static final int BLOCKED_SECONDS = 2;
    private static final int PORT = 8080;

    @TempDir
    Path tempDir;

    @Test
    void policiesCutPodsOffFromEachOtherAndLetThemThroughAgain() throws Exception {
        try (NetworkFixture fixture = new NetworkFixture(tempDir)) {
            PodNetworkStatus a = fixture.network.setUp(fixture.newPodId(), "a", List.of());
            PodNetworkStatus b = fixture.network.setUp(fixture.newPodId(), "b", List.of());
            PodNetworkStatus c = fixture.network.setUp(fixture.newPodId(), "c", List.of());
            PolicyEnforcer enforcer = fixture.network.policies();
            try (var serverA = PodProcesses.httpServer(a.namespaces(), PORT, tempDir.resolve("a"), a.ip());
                 var serverB = PodProcesses.httpServer(b.namespaces(), PORT, tempDir.resolve("b"), b.ip());
                 var serverC = PodProcesses.httpServer(c.namespaces(), PORT, tempDir.resolve("c"), c.ip())) {
                await().atMost(SERVER_START).pollInterval(Duration.ofMillis(100))
                        .until(() -> reaches(b, a) && reaches(a, b) && reaches(a, c));
                enforcer.sync(List.of());
                assertThat(Files.readString(Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables")).strip())
                        .as("bridged traffic passes iptables").isEqualTo("1");
                assertThat(ok("iptables", "-w", "5", "-S", fixture.config.forwardChain()).lines().toList().get(1))
                        .as("policies come before the forward chain's accepts")
                        .isEqualTo("-A " + fixture.config.forwardChain() + " -j " + fixture.config.policyChain());
                assertThat(reaches(a, b)).as("no policy: a -> b").isTrue();

                enforcer.sync(List.of(new PodPolicy(b.ip(), Optional.of(List.of()), Optional.empty())));
                assertThat(reaches(a, b)).as("b denies all ingress: a -> b").isFalse();

                PodPolicy bAllowsA = new PodPolicy(b.ip(), Optional.of(List.of(new PolicyRule(
                        List.of(IpBlock.of(a.ip())), List.of(PolicyPort.tcp(PORT))))), Optional.empty());
                enforcer.sync(List.of(bAllowsA));
                assertThat(reaches(a, b)).as("b allows a: a -> b").isTrue();
                assertThat(reaches(c, b)).as("b allows a: c -> b").isFalse();

                enforcer.sync(List.of(bAllowsA, new PodPolicy(a.ip(), Optional.empty(), Optional.of(List.of()))));
                assertThat(reaches(a, c)).as("a denies all egress: a -> c").isFalse();
                assertThat(reaches(b, a)).as("a denies all egress, yet answers b's connection").isTrue();

                enforcer.sync(List.of());
                assertThat(reaches(a, b)).as("policies gone: a -> b").isTrue();
                assertThat(reaches(c, b)).as("policies gone: c -> b").isTrue();
                assertThat(reaches(a, c)).as("policies gone: a -> c").isTrue();
                assertThat(ownChains(enforcer)).as("the pods' chains are deleted").containsExactly(
                        fixture.config.policyChain());
            }
            enforcer.remove();
            assertThat(ownChains(enforcer)).isEmpty();
            String save = ok("iptables-save");
            assertThat(save).doesNotContain(fixture.config.policyChain());
            assertThat(enforcer.chains().prefixes()).allSatisfy(prefix -> assertThat(save).doesNotContain(prefix));
        }
    }

    @Test
    void theRulesAreWhatIptablesSaveShowsAndAnotherProcessDeletesStaleOnes() throws Exception {
        try (NetworkFixture fixture = new NetworkFixture(tempDir)) {
            String ip1 = fixture.subnetPrefix + "10";
            String ip2 = fixture.subnetPrefix + "11";
            IpBlock outside = new IpBlock("0.0.0.0/0", List.of("10.0.0.0/8", "192.168.0.0/16"));
            List<PodPolicy> pods = List.of(
                    new PodPolicy(ip1, Optional.of(List.of(
                            new PolicyRule(List.of(IpBlock.of(ip2), IpBlock.of("172.16.0.0/12")),
                                    List.of(PolicyPort.tcp(PORT), new PolicyPort(Protocol.TCP, 9000, 9100),
                                            new PolicyPort(Protocol.UDP, 53, 0), new PolicyPort(Protocol.SCTP, 0, 0))),
                            new PolicyRule(List.of(outside), List.of(PolicyPort.tcp(443))))),
                            Optional.of(List.of(new PolicyRule(List.of(outside), List.of())))),
                    new PodPolicy(ip2, Optional.of(List.of(new PolicyRule(List.of(), List.of()))),
                            Optional.of(List.of())));
            PolicyEnforcer enforcer = new PolicyEnforcer(fixture.config);

            enforcer.sync(pods);

            PolicyRules.RuleSet rendered = PolicyRules.render(enforcer.chains(), pods);
            assertThat(rendered.chains()).hasSize(7);
            assertThat(savedRules(enforcer)).isEqualTo(rendered.chains());

            // a new process, as after a restart, knows nothing of the chains of ip1
            PolicyEnforcer restarted = new PolicyEnforcer(fixture.config);
            List<PodPolicy> fewer = List.of(pods.get(1));
            restarted.sync(fewer);
            assertThat(savedRules(restarted)).isEqualTo(PolicyRules.render(restarted.chains(), fewer).chains());

            restarted.remove();
            assertThat(ownChains(restarted)).isEmpty();
        }
    }

    /** Whether {@code from} gets {@code to}'s page, which is {@code to}'s address. */
    private static boolean reaches(PodNetworkStatus from, PodNetworkStatus to) {
        return PodProcesses.wgetWithin(from.namespaces(), to.ip(), PORT, BLOCKED_SECONDS).equals(Optional.of(to.ip()));
    }

    private static List<String> ownChains(PolicyEnforcer enforcer) {
        return List.copyOf(enforcer.chains().declaredIn(ok("iptables-save", "-t", "filter")));
    }

    /** The rules of the enforcer's chains as iptables-save prints them, by chain. */
    private static Map<String, List<String>> savedRules(PolicyEnforcer enforcer) {
        Map<String, List<String>> rules = new LinkedHashMap<>();
        String save = ok("iptables-save", "-t", "filter");
        enforcer.chains().declaredIn(save).forEach(chain -> rules.put(chain, new ArrayList<>()));
        for (String line : save.split("\n")) {
            if (line.startsWith("-A ")) {
                String chain = line.split(" ")[1];
                if (rules.containsKey(chain)) {
                    rules.get(chain).add(line);
                }
            }
        }
        return rules;
    }
}
