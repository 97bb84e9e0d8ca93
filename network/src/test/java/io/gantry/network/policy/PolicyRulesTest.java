package io.gantry.network.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.network.PodNetworkConfig;
import io.gantry.network.PortMapping.Protocol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyRulesTest {
    private static final PolicyChains CHAINS =
            PolicyChains.of(PodNetworkConfig.builder("10.88.0.0/24").bridgeName("gantry0").build());
    private static final String TOP = "GANTRY-NP-gantry0";
    private static final String B_IN = "GANTRY-NPI-143326fa-0a580003";
    private static final String SET = "-j MARK --set-xmark 0x10000/0x10000";
    private static final String CLEAR = "-j MARK --set-xmark 0x0/0x10000";

    private static PodPolicy ingress(String ip, PolicyRule... rules) {
        return new PodPolicy(ip, Optional.of(List.of(rules)), Optional.empty());
    }

    private static PolicyRule allow(List<IpBlock> peers, PolicyPort... ports) {
        return new PolicyRule(peers, List.of(ports));
    }

    private static String render(PodPolicy... pods) {
        return PolicyRules.render(CHAINS, List.of(pods)).restoreInput(Set.of());
    }

    @Test
    void withoutIsolatedPodsOnlyRepliesAreLetThrough() {
        assertThat(render()).isEqualTo(String.join("\n", "*filter",
                ":" + TOP + " - [0:0]",
                "-A " + TOP + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
                "COMMIT", ""));
    }

    @Test
    void anIngressIsolatedPodWithoutRulesDropsEverythingNew() {
        assertThat(render(ingress("10.88.0.3"))).isEqualTo(String.join("\n", "*filter",
                ":" + TOP + " - [0:0]",
                ":" + B_IN + " - [0:0]",
                "-A " + TOP + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
                "-A " + TOP + " -d 10.88.0.3/32 -j " + B_IN,
                "-A " + B_IN + " " + CLEAR,
                "-A " + B_IN + " -m mark ! --mark 0x10000/0x10000 -j DROP",
                "-A " + B_IN + " " + CLEAR,
                "COMMIT", ""));
    }

    @Test
    void aPeerOnAPortSetsTheMarkBeforeTheDrop() {
        List<String> chain = PolicyRules.render(CHAINS, List.of(ingress("10.88.0.3",
                allow(List.of(IpBlock.of("10.88.0.2")), PolicyPort.tcp(8080))))).chains().get(B_IN);

        assertThat(chain).containsExactly(
                "-A " + B_IN + " " + CLEAR,
                "-A " + B_IN + " -s 10.88.0.2/32 -p tcp -m tcp --dport 8080 " + SET,
                "-A " + B_IN + " -m mark ! --mark 0x10000/0x10000 -j DROP",
                "-A " + B_IN + " " + CLEAR);
    }

    @Test
    void rangesWholeProtocolsAnyPeerAndAnythingAreRendered() {
        List<String> chain = PolicyRules.render(CHAINS, List.of(ingress("10.88.0.3",
                allow(List.of(), new PolicyPort(Protocol.TCP, 8000, 8100), new PolicyPort(Protocol.UDP, 53, 53),
                        new PolicyPort(Protocol.SCTP, 0, 0)),
                allow(List.of(IpBlock.of("192.168.0.0/16"), IpBlock.of("10.0.0.1")))))).chains().get(B_IN);

        assertThat(chain.subList(1, chain.size() - 2)).containsExactly(
                "-A " + B_IN + " -p sctp " + SET,
                "-A " + B_IN + " -p tcp -m tcp --dport 8000:8100 " + SET,
                "-A " + B_IN + " -p udp -m udp --dport 53 " + SET,
                "-A " + B_IN + " -s 10.0.0.1/32 " + SET,
                "-A " + B_IN + " -s 192.168.0.0/16 " + SET);
        assertThat(PolicyRules.render(CHAINS, List.of(ingress("10.88.0.3", allow(List.of())))).chains().get(B_IN))
                .as("a rule without peers and ports allows everything").contains("-A " + B_IN + " " + SET);
    }

    @Test
    void anIpBlockWithExceptionsJumpsToAChainThatReturnsForThem() {
        IpBlock outside = new IpBlock("0.0.0.0/0", List.of("192.168.0.0/16", "10.0.0.0/8"));
        PodPolicy b = ingress("10.88.0.3", allow(List.of(outside), PolicyPort.tcp(443), PolicyPort.tcp(80)));
        PodPolicy a = new PodPolicy("10.88.0.2", Optional.of(List.of(allow(List.of(outside)))),
                Optional.of(List.of(allow(List.of(outside)))));

        Map<String, List<String>> chains = PolicyRules.render(CHAINS, List.of(b, a)).chains();

        String egressBlock = "GANTRY-NPB-143326fa-1";
        String ingressBlock = "GANTRY-NPB-143326fa-2";
        assertThat(chains.get(B_IN)).contains(
                "-A " + B_IN + " -p tcp -m tcp --dport 443 -j " + ingressBlock,
                "-A " + B_IN + " -p tcp -m tcp --dport 80 -j " + ingressBlock);
        assertThat(chains.get(ingressBlock)).as("one chain for the same block of two pods").containsExactly(
                "-A " + ingressBlock + " -s 10.0.0.0/8 -j RETURN",
                "-A " + ingressBlock + " -s 192.168.0.0/16 -j RETURN",
                "-A " + ingressBlock + " " + SET);
        assertThat(chains.get(egressBlock)).as("egress blocks match destinations").containsExactly(
                "-A " + egressBlock + " -d 10.0.0.0/8 -j RETURN",
                "-A " + egressBlock + " -d 192.168.0.0/16 -j RETURN",
                "-A " + egressBlock + " " + SET);
        assertThat(chains.get("GANTRY-NPE-143326fa-0a580002")).contains(
                "-A GANTRY-NPE-143326fa-0a580002 -j " + egressBlock);
        assertThat(chains).hasSize(6);
    }

    @Test
    void egressChecksOfAllPodsComeBeforeIngressChecks() {
        PodPolicy a = new PodPolicy("10.88.0.2", Optional.of(List.of()), Optional.of(List.of()));
        PodPolicy b = new PodPolicy("10.88.0.10", Optional.empty(), Optional.of(List.of()));
        PodPolicy c = new PodPolicy("10.88.0.9", Optional.of(List.of()), Optional.empty());

        assertThat(PolicyRules.render(CHAINS, List.of(c, b, a)).chains().get(TOP)).containsExactly(
                "-A " + TOP + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
                "-A " + TOP + " -s 10.88.0.2/32 -j GANTRY-NPE-143326fa-0a580002",
                "-A " + TOP + " -s 10.88.0.10/32 -j GANTRY-NPE-143326fa-0a58000a",
                "-A " + TOP + " -d 10.88.0.2/32 -j GANTRY-NPI-143326fa-0a580002",
                "-A " + TOP + " -d 10.88.0.9/32 -j GANTRY-NPI-143326fa-0a580009");
    }

    @Test
    void theOrderOfPodsRulesPeersAndPortsDoesNotChangeTheText() {
        IpBlock except = new IpBlock("10.0.0.0/8", List.of("10.1.0.0/16", "10.2.0.0/16"));
        IpBlock otherExcept = new IpBlock("172.16.0.0/12", List.of("172.16.1.0/24"));
        List<PodPolicy> pods = new ArrayList<>();
        for (int i = 2; i < 12; i++) {
            pods.add(new PodPolicy("10.88.0." + i,
                    Optional.of(List.of(allow(List.of(except, IpBlock.of("10.88.0.1")), PolicyPort.tcp(80),
                            PolicyPort.tcp(i)), allow(List.of(otherExcept)))),
                    i % 2 == 0 ? Optional.of(List.of(allow(List.of(otherExcept)))) : Optional.empty()));
        }
        String text = PolicyRules.render(CHAINS, pods).restoreInput(Set.of());
        List<PodPolicy> shuffled = new ArrayList<>();
        for (PodPolicy pod : pods) {
            List<PolicyRule> rules = new ArrayList<>();
            for (PolicyRule rule : pod.ingress().orElseThrow()) {
                List<IpBlock> peers = new ArrayList<>(rule.peers());
                List<PolicyPort> ports = new ArrayList<>(rule.ports());
                Collections.reverse(peers);
                Collections.reverse(ports);
                rules.add(new PolicyRule(peers, ports));
            }
            Collections.reverse(rules);
            shuffled.add(new PodPolicy(pod.podIp(), Optional.of(rules), pod.egress()));
        }
        Collections.shuffle(shuffled, new java.util.Random(7));

        assertThat(PolicyRules.render(CHAINS, shuffled).restoreInput(Set.of())).isEqualTo(text);
        assertThat(PolicyRules.render(CHAINS, shuffled)).isEqualTo(PolicyRules.render(CHAINS, pods));
        assertThat(text.lines().filter(line -> line.startsWith(":")))
                .allSatisfy(line -> assertThat(line.substring(1, line.indexOf(' '))).hasSizeLessThanOrEqualTo(28));
    }

    @Test
    void staleChainsAreFlushedBeforeTheyAreDeletedInTheSameRun() {
        String stale = CHAINS.ingress("10.88.0.7");
        String staleBlock = CHAINS.exceptBlock(4);

        String input = PolicyRules.render(CHAINS, List.of(ingress("10.88.0.3")))
                .restoreInput(Set.of(TOP, B_IN, stale, staleBlock));

        assertThat(input).containsOnlyOnce(":" + TOP + " - [0:0]").containsOnlyOnce(":" + B_IN + " - [0:0]")
                .doesNotContain("-X " + B_IN);
        assertThat(input.indexOf(":" + stale + " ")).isPositive().isLessThan(input.indexOf("-X " + stale));
        assertThat(input.indexOf(":" + staleBlock + " ")).isPositive().isLessThan(input.indexOf("-X " + staleBlock));
        assertThat(input).endsWith("-X " + stale + "\nCOMMIT\n");
        assertThat(PolicyRules.removal(Set.of())).isEmpty();
        assertThat(PolicyRules.removal(new java.util.LinkedHashSet<>(List.of(TOP, B_IN)))).isEqualTo(String.join(
                "\n", "*filter", ":" + TOP + " - [0:0]", ":" + B_IN + " - [0:0]", "-X " + TOP, "-X " + B_IN,
                "COMMIT", ""));
    }

    @Test
    void twoEntriesForOnePodAreRejected() {
        assertThatThrownBy(() -> PolicyRules.render(CHAINS, List.of(ingress("10.88.0.3"), ingress("10.88.0.3"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.88.0.3");
    }
}
