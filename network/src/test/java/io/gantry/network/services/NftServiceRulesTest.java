package io.gantry.network.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.network.PortMapping;
import io.gantry.network.exec.Nft;
import io.gantry.network.exec.ProcessResult;
import io.gantry.network.testing.PrivateNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The nftables rendering, read as text and checked by the real nft: every input is first checked with
 * {@code nft -c} and then applied in a network namespace of the test's own, which the test deletes.
 */
class NftServiceRulesTest {
    private static final String TABLE = "gantry-svc-10-244-0-0-24";
    private static final String POD_CIDR = "10.244.0.0/24";

    private static ServicePort web(List<ServicePort.Endpoint> endpoints) {
        return new ServicePort("default/web:http", Optional.of("10.96.0.10"), 80, PortMapping.Protocol.TCP, 30080,
                true, false, 0, endpoints);
    }

    private static List<ServicePort.Endpoint> endpoints(int count) {
        return IntStream.range(0, count).mapToObj(i -> new ServicePort.Endpoint("10.244.0." + (i + 2), 8080)).toList();
    }

    @Test
    void tableIsNamedAfterThePodRange() {
        assertThat(NftServiceRules.tableName("10.244.0.0/24")).isEqualTo(TABLE);
        assertThat(new NftServiceProxier("10.251.7.0/24").table()).isEqualTo("gantry-svc-10-251-7-0-24");
    }

    @Test
    void endpointsArePickedWithEqualChanceAndDnatted() {
        String rules = NftServiceRules.rules(List.of(web(endpoints(3))), POD_CIDR, Optional.empty())
                .fullInput(TABLE, Set.of());

        String svc = NftServiceRules.name("svc-", "default/web:http/tcp", "default/web_http/tcp");
        String ext = NftServiceRules.name("ext-", "default/web:http/tcp", "default/web_http/tcp");
        assertThat(svc).startsWith("svc-").endsWith("-default/web_http/tcp");
        assertThat(rules).contains("\t10.96.0.10 . tcp . 80 : goto " + svc + ",\n");
        assertThat(rules).contains("meta l4proto tcp dnat ip to numgen random mod 3 map { 0 : 10.244.0.2 . 8080, "
                + "1 : 10.244.0.3 . 8080, 2 : 10.244.0.4 . 8080 }");
        assertThat(rules).as("from outside the pod range to the cluster IP")
                .contains("ip daddr 10.96.0.10 tcp dport 80 ip saddr != 10.244.0.0/24 jump mark-for-masquerade");
        assertThat(rules).as("node port").contains("\ttcp . 30080 : goto " + ext + ",\n");
        assertThat(rules).as("the load balancer's port on node addresses, loopback aside")
                .contains("fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-lb-ports")
                .contains("add element ip " + TABLE + " service-lb-ports {\n\ttcp . 80 : goto " + ext + ",\n}");
        assertThat(rules).contains("chain " + ext + " {\n\t\tjump mark-for-masquerade\n\t\tgoto " + svc + "\n");
        assertThat(rules).as("hairpin").contains("ct status dnat ip saddr . ip daddr @hairpin-endpoints jump")
                .contains("\t10.244.0.3 . 10.244.0.3,\n");
        assertThat(rules).contains("masquerade comment");
        assertValid(rules);
    }

    @Test
    void ruleCountGrowsWithServicesNotEndpoints() {
        String few = NftServiceRules.rules(List.of(web(endpoints(2))), POD_CIDR, Optional.empty())
                .fullInput(TABLE, Set.of());
        String many = NftServiceRules.rules(List.of(web(endpoints(200))), POD_CIDR, Optional.empty())
                .fullInput(TABLE, Set.of());

        assertThat(ruleLines(many)).isEqualTo(ruleLines(few));
        assertThat(many).contains("numgen random mod 200 map");
    }

    @Test
    void aServicePortWithoutEndpointsIsRejected() {
        String rules = NftServiceRules.rules(List.of(web(List.of())), POD_CIDR, Optional.empty())
                .fullInput(TABLE, Set.of());

        assertThat(rules).contains("add element ip " + TABLE + " no-endpoint-services {\n\t10.96.0.10 . tcp . 80,\n}")
                .contains("add element ip " + TABLE + " no-endpoint-nodeports {\n\ttcp . 30080,\n}")
                .contains("add element ip " + TABLE + " no-endpoint-lb-ports {\n\ttcp . 80,\n}");
        assertThat(rules).contains("type filter hook forward priority filter - 10;")
                .contains("ct state new jump endpoints-check")
                .contains("meta l4proto tcp reject with tcp reset\n\t\treject with icmp type port-unreachable");
        assertThat(rules).doesNotContain("chain svc-").doesNotContain("dnat ip to");
        assertValid(rules);
    }

    @Test
    void clientAffinityRemembersTheEndpointPerClientAddress() {
        ServicePort sticky = new ServicePort("default/dns:dns", Optional.of("10.96.0.10"), 53,
                PortMapping.Protocol.UDP, 0, false, true, 10800, endpoints(2));
        String rules = NftServiceRules.rules(List.of(sticky), POD_CIDR,
                Optional.of(new ServiceRules.LocalDns("10.96.0.53", "10.244.0.1", 5353))).fullInput(TABLE, Set.of());

        String key = "default/dns:dns/udp/10.244.0.2:8080";
        String readable = "default/dns_dns/udp__10.244.0.2/8080";
        String affinity = NftServiceRules.name("aff-", key + "/10800", readable);
        String ep = NftServiceRules.name("ep-", key, readable);
        assertThat(rules).contains("set " + affinity + " { type ipv4_addr; flags dynamic,timeout; timeout 10800s; }")
                .contains("ip saddr @" + affinity + " goto " + ep + "\n")
                .contains("chain " + ep + " {\n\t\tupdate @" + affinity + " { ip saddr }\n"
                        + "\t\tmeta l4proto udp dnat ip to 10.244.0.2:8080\n")
                .contains("numgen random mod 2 vmap { 0 : goto " + ep + ", 1 : goto ep-");
        assertThat(rules).as("cluster DNS").contains("ip daddr 10.96.0.53 udp dport 53 dnat ip to 10.244.0.1:5353")
                .contains("ip daddr 10.96.0.53 tcp dport 53 dnat ip to 10.244.0.1:5353");
        assertThat(NftServiceRules.rules(List.of(web(endpoints(2))), POD_CIDR, Optional.empty())
                .fullInput(TABLE, Set.of())).as("only for services that ask for it").doesNotContain("aff-");
        assertValid(rules);
    }

    @Test
    void anUpdateWritesOnlyWhatChangedAndEndsWhereAFullWriteWould() {
        ServicePort other = new ServicePort("default/other:http", Optional.of("10.96.0.11"), 80,
                PortMapping.Protocol.TCP, 0, false, false, 0, List.of(new ServicePort.Endpoint("10.244.0.9", 80)));
        ServicePort gone = new ServicePort("default/gone:http", Optional.of("10.96.0.12"), 80,
                PortMapping.Protocol.TCP, 30081, false, true, 60, List.of(new ServicePort.Endpoint("10.244.0.8", 80)));
        NftServiceRules.RuleSet before = NftServiceRules.rules(List.of(web(endpoints(2)), other, gone), POD_CIDR,
                Optional.empty());
        NftServiceRules.RuleSet after = NftServiceRules.rules(List.of(web(endpoints(3).subList(1, 3)), other),
                POD_CIDR, Optional.empty());

        String update = after.updateInput(TABLE, before);

        String svc = NftServiceRules.name("svc-", "default/web:http/tcp", "default/web_http/tcp");
        String goneSvc = NftServiceRules.name("svc-", "default/gone:http/tcp", "default/gone_http/tcp");
        assertThat(update).contains("flush chain ip " + TABLE + " " + svc + "\n")
                .contains("delete element ip " + TABLE + " hairpin-endpoints {\n\t10.244.0.2 . 10.244.0.2,\n")
                .contains("add element ip " + TABLE + " hairpin-endpoints {\n\t10.244.0.4 . 10.244.0.4,\n")
                .contains("delete chain ip " + TABLE + " " + goneSvc + "\n")
                .contains("delete set ip " + TABLE + " aff-")
                .doesNotContain("default/other").doesNotContain("flush table").doesNotContain("services {")
                .as("the web service's map elements did not change").doesNotContain("10.96.0.10 . tcp . 80");
        assertThat(after.updateInput(TABLE, after)).as("nothing changed").isEmpty();

        try (PrivateNetns netns = new PrivateNetns()) {
            Nft nft = new Nft(netns.prefix());
            apply(nft, before.fullInput(TABLE, Set.of()));
            apply(nft, update);
            List<String> updated = normalized(netns.ok("nft", "list", "table", "ip", TABLE));
            netns.ok("nft", "delete", "table", "ip", TABLE);
            apply(nft, after.fullInput(TABLE, Set.of()));
            assertThat(updated).isEqualTo(normalized(netns.ok("nft", "list", "table", "ip", TABLE)));
        }
    }

    @Test
    void aFullWriteDeletesWhatIsGoneAndKeepsTheClientsOfAffinity() {
        ServicePort sticky = new ServicePort("default/sticky:http", Optional.of("10.96.0.11"), 80,
                PortMapping.Protocol.TCP, 0, false, true, 600, endpoints(1));
        NftServiceRules.RuleSet before = NftServiceRules.rules(List.of(web(endpoints(2)), sticky), POD_CIDR,
                Optional.empty());
        NftServiceRules.RuleSet after = NftServiceRules.rules(List.of(sticky), POD_CIDR, Optional.empty());
        String affinity = after.affinitySets().keySet().iterator().next();

        try (PrivateNetns netns = new PrivateNetns()) {
            Nft nft = new Nft(netns.prefix());
            apply(nft, before.fullInput(TABLE, Set.of()));
            netns.ok("nft", "add", "element", "ip", TABLE, affinity, "{ 10.244.0.50 }");
            netns.ok("nft", "add", "chain", "ip", TABLE, "stray");
            netns.ok("nft", "add", "rule", "ip", TABLE, "stray", "ip saddr @" + affinity + " accept");
            netns.ok("nft", "add", "rule", "ip", TABLE, "services", "jump stray");
            netns.ok("nft", "add", "set", "ip", TABLE, "stray-set", "{ type ipv4_addr; }");
            netns.ok("nft", "add", "element", "ip", TABLE, "service-ips", "{ 10.96.9.9 . tcp . 1 : drop }");
            Set<String> existing = NftServiceRules.existingObjects(
                    netns.ok("nft", "-t", "list", "ruleset"), TABLE);
            assertThat(existing).contains("chain stray", "set stray-set", "map service-ips", "set " + affinity,
                    "chain nat-prerouting");

            apply(nft, after.fullInput(TABLE, existing));

            String table = netns.ok("nft", "list", "table", "ip", TABLE);
            assertThat(table).doesNotContain("stray").doesNotContain("default/web").doesNotContain("10.96.9.9")
                    .contains("default/sticky");
            assertThat(netns.ok("nft", "list", "set", "ip", TABLE, affinity)).as("a client keeps its endpoint")
                    .contains("10.244.0.50");
            apply(nft, after.replaceInput(TABLE));
            assertThat(netns.ok("nft", "list", "set", "ip", TABLE, affinity)).doesNotContain("10.244.0.50");
        }
    }

    @Test
    void existingObjectsAreThoseOfTheTableOnly() {
        String listing = """
                table ip nat {
                \tchain PREROUTING {
                \t\ttype nat hook prerouting priority dstnat; policy accept;
                \t}
                }
                table ip gantry-svc-10-244-0-0-24 {
                \tchain services {
                \t}
                \tchain svc-ABCDEFGH-default/web_http/tcp {
                \t}
                }
                table ip gantry-svc-10-244-0-0-24 {
                \tset hairpin-endpoints {
                \t\ttype ipv4_addr . ipv4_addr
                \t}
                }
                table ip gantry-svc-10-244-0-0-24 {
                \tmap service-ips {
                \t\ttype ipv4_addr . inet_proto . inet_service : verdict
                \t}
                }
                """;
        assertThat(NftServiceRules.existingObjects(listing, TABLE)).containsExactly("chain services",
                "chain svc-ABCDEFGH-default/web_http/tcp", "set hairpin-endpoints", "map service-ips");
        assertThat(NftServiceRules.existingObjects(listing, "gantry-svc-other")).isEmpty();
    }

    /** Checks {@code rules} with nft -c, then applies them, in a namespace that is deleted afterwards. */
    private static void assertValid(String rules) {
        try (PrivateNetns netns = new PrivateNetns()) {
            apply(new Nft(netns.prefix()), rules);
        }
    }

    private static void apply(Nft nft, String rules) {
        try {
            ProcessResult check = nft.check(rules);
            assertThat(check.succeeded()).as("nft -c: %s\n%s", check.stderr(), rules).isTrue();
            ProcessResult applied = nft.applyResult(rules);
            assertThat(applied.succeeded()).as("nft -f: %s\n%s", applied.stderr(), rules).isTrue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The rule lines of an input: indented twice, inside a chain. */
    private static long ruleLines(String input) {
        return input.lines().filter(line -> line.startsWith("\t\t")).count();
    }

    /** A listing with one item per line, sorted: the order of chains and of set elements may differ. */
    private static List<String> normalized(String listing) {
        List<String> lines = new ArrayList<>();
        for (String line : listing.split("\n")) {
            String item = line.strip().replaceFirst("^elements = \\{ ", "").replaceFirst(" }$", "")
                    .replaceFirst(",$", "");
            if (!item.isEmpty() && !item.startsWith("expires")) {
                lines.add(item);
            }
        }
        return lines.stream().sorted().toList();
    }
}
