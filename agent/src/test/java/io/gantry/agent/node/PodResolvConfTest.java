package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.api.Json;
import io.gantry.network.dns.ResolvConf;
import org.junit.jupiter.api.Test;

class PodResolvConfTest {
    private static final ResolvConf HOST = ResolvConf.parse("search corp.example\nnameserver 192.0.2.53\n");

    private static String render(String spec, String clusterDns) throws Exception {
        return PodResolvConf.of(Json.YAML.readTree(spec), "shop", clusterDns, "cluster.local", HOST).render();
    }

    @Test
    void clusterFirstUsesTheClusterDnsWithTheNamespacesSearchPathThenTheHosts() throws Exception {
        assertThat(render("{}", "10.96.0.10")).isEqualTo(
                "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\n"
                        + "nameserver 10.96.0.10\noptions ndots:5\n");
    }

    @Test
    void hostNetworkPodsNeedClusterFirstWithHostNetForTheClusterDns() throws Exception {
        assertThat(render("{hostNetwork: true}", "10.96.0.10")).isEqualTo(HOST.render());
        assertThat(render("{hostNetwork: true, dnsPolicy: ClusterFirstWithHostNet}", "10.96.0.10"))
                .contains("nameserver 10.96.0.10");
    }

    @Test
    void defaultIsTheHostsAndWithoutAClusterDnsSoIsClusterFirst() throws Exception {
        assertThat(render("{dnsPolicy: Default}", "10.96.0.10")).isEqualTo(HOST.render());
        assertThat(render("{}", null)).isEqualTo(HOST.render());
    }

    @Test
    void noneTakesTheDnsConfigAlone() throws Exception {
        assertThat(render("""
                dnsPolicy: None
                dnsConfig:
                  nameservers: [192.0.2.1]
                  searches: [ns1.svc.cluster-domain.example]
                  options: [{name: ndots, value: "2"}, {name: edns0}]
                """, "10.96.0.10")).isEqualTo("search ns1.svc.cluster-domain.example\nnameserver 192.0.2.1\n"
                + "options ndots:2 edns0\n");
    }
}
