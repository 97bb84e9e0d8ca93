package io.gantry.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {

    @Test
    void rendersSearchThenNameserversThenOptions() {
        assertThat(ResolvConf.render(List.of("10.96.0.10", "10.96.0.11"), List.of("a.example", "example"),
                List.of("ndots:5", "edns0"))).isEqualTo("""
                search a.example example
                nameserver 10.96.0.10
                nameserver 10.96.0.11
                options ndots:5 edns0
                """);
    }

    @Test
    void rendersNothingForEmptyParts() {
        assertThat(ResolvConf.render(List.of("1.1.1.1"), List.of(), List.of())).isEqualTo("nameserver 1.1.1.1\n");
        assertThat(ResolvConf.EMPTY.render()).isEmpty();
    }

    @Test
    void clusterFirstUsesClusterDnsAndTheNamespaceSearchPath() {
        assertThat(ResolvConf.clusterFirst("10.96.0.10", "shop", "cluster.local").render()).isEqualTo("""
                search shop.svc.cluster.local svc.cluster.local cluster.local
                nameserver 10.96.0.10
                options ndots:5
                """);
    }

    @Test
    void clusterFirstAppendsTheHostsSearchDomainsButNotItsServersOrOptions() {
        ResolvConf host = ResolvConf.parse("nameserver 192.168.1.1\nsearch corp.example cluster.local\n"
                + "options rotate\n");

        ResolvConf conf = ResolvConf.clusterFirst(List.of("10.96.0.10"), "default", "cluster.local", host);

        assertThat(conf.nameservers()).containsExactly("10.96.0.10");
        assertThat(conf.searches()).containsExactly("default.svc.cluster.local", "svc.cluster.local",
                "cluster.local", "corp.example");
        assertThat(conf.options()).containsExactly("ndots:5");
    }

    @Test
    void defaultPolicyIsTheHostsResolvConf(@TempDir Path dir) throws Exception {
        Path hostFile = dir.resolve("resolv.conf");
        Files.writeString(hostFile, """
                # written by the node's DHCP client
                domain old.example
                search corp.example
                nameserver 192.168.1.1
                ; a comment in the other style
                nameserver 192.168.1.2
                options timeout:2
                options attempts:3
                """);

        ResolvConf conf = ResolvConf.hostDefault(hostFile);

        assertThat(conf).isEqualTo(new ResolvConf(List.of("192.168.1.1", "192.168.1.2"), List.of("corp.example"),
                List.of("timeout:2", "attempts:3")));
        assertThat(conf.render()).isEqualTo("""
                search corp.example
                nameserver 192.168.1.1
                nameserver 192.168.1.2
                options timeout:2 attempts:3
                """);
    }

    @Test
    void podDnsConfigIsAppendedAndOverridesOptionsByName() {
        ResolvConf conf = ResolvConf.clusterFirst("10.96.0.10", "ns", "cluster.local")
                .withPodDnsConfig(List.of("10.96.0.10", "8.8.8.8"), List.of("extra.example", "cluster.local"),
                        List.of("ndots:2", "edns0"));

        assertThat(conf.nameservers()).containsExactly("10.96.0.10", "8.8.8.8");
        assertThat(conf.searches()).containsExactly("ns.svc.cluster.local", "svc.cluster.local", "cluster.local",
                "extra.example");
        assertThat(conf.options()).containsExactly("ndots:2", "edns0");
    }

    @Test
    void limitsKeepTheFirstThreeNameserversAndThirtyTwoSearches() {
        List<String> searches = IntStream.range(0, 40).mapToObj(i -> "d" + i + ".example").toList();

        ResolvConf conf = new ResolvConf(List.of("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"), searches, List.of())
                .withinLimits();

        assertThat(conf.nameservers()).containsExactly("1.1.1.1", "2.2.2.2", "3.3.3.3");
        assertThat(conf.searches()).hasSize(ResolvConf.MAX_SEARCHES).startsWith("d0.example");
    }

    @Test
    void limitsKeepTheSearchLineWithin2048Characters() {
        List<String> searches = IntStream.range(0, 10).mapToObj(i -> "x".repeat(250) + i).toList();

        ResolvConf conf = new ResolvConf(List.of(), searches, List.of()).withinLimits();

        assertThat(String.join(" ", conf.searches()).length()).isLessThanOrEqualTo(ResolvConf.MAX_SEARCH_CHARS);
        assertThat(conf.searches()).hasSize(8);
    }
}
