package io.gantry.network.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CniResultTest {

    private static final String BRIDGE_RESULT = """
            {"cniVersion":"1.0.0",
             "interfaces":[{"name":"cni0","mac":"0a:58:0a:58:00:01"},
                           {"name":"veth1234","mac":"aa:bb:cc:dd:ee:ff"},
                           {"name":"eth0","mac":"11:22:33:44:55:66","sandbox":"/run/gantry/ns/p1/net"}],
             "ips":[{"interface":2,"address":"10.88.0.5/24","gateway":"10.88.0.1"},
                    {"interface":2,"address":"fd00::5/64"}],
             "routes":[{"dst":"0.0.0.0/0"},{"dst":"10.0.0.0/8","gw":"10.88.0.254"}],
             "dns":{"nameservers":["10.96.0.10"],"domain":"cluster.local","search":["a","b"],"options":["ndots:5"]},
             "somethingNew":{"kept":true}}""";

    @Test
    void parsesEveryWellKnownPart() {
        CniResult result = CniResult.parse(BRIDGE_RESULT);

        assertThat(result.cniVersion()).isEqualTo("1.0.0");
        assertThat(result.interfaces()).containsExactly(
                new CniInterface("cni0", Optional.of("0a:58:0a:58:00:01"), Optional.empty()),
                new CniInterface("veth1234", Optional.of("aa:bb:cc:dd:ee:ff"), Optional.empty()),
                new CniInterface("eth0", Optional.of("11:22:33:44:55:66"), Optional.of("/run/gantry/ns/p1/net")));
        assertThat(result.ips()).containsExactly(
                new CniIpConfig("10.88.0.5/24", Optional.of("10.88.0.1"), OptionalInt.of(2)),
                new CniIpConfig("fd00::5/64", Optional.empty(), OptionalInt.of(2)));
        assertThat(result.routes()).containsExactly(new CniRoute("0.0.0.0/0", Optional.empty()),
                new CniRoute("10.0.0.0/8", Optional.of("10.88.0.254")));
        assertThat(result.dns()).isEqualTo(new CniDns(List.of("10.96.0.10"), Optional.of("cluster.local"),
                List.of("a", "b"), List.of("ndots:5")));
    }

    @Test
    void keepsUnknownFieldsForPrevResult() {
        CniResult result = CniResult.parse(BRIDGE_RESULT);

        assertThat(result.jsonTree().get("somethingNew").get("kept").asBoolean()).isTrue();
        assertThat(CniResult.parse(result.json())).isEqualTo(result);
    }

    @Test
    void findsThePodsIpv4AddressOnTheSandboxInterface() {
        CniIpConfig ip = CniResult.parse(BRIDGE_RESULT).ipv4In("/run/gantry/ns/p1/net").orElseThrow();

        assertThat(ip.ip()).isEqualTo("10.88.0.5");
        assertThat(ip.prefixLength()).isEqualTo(24);
        assertThat(CniResult.parse(BRIDGE_RESULT).ipv4In("/elsewhere")).isEmpty();
    }

    @Test
    void toleratesAMinimalResultAndRejectsGarbage() {
        CniResult minimal = CniResult.parse("{\"cniVersion\":\"1.0.0\"}");
        assertThat(minimal.ips()).isEmpty();
        assertThat(minimal.dns()).isEqualTo(CniDns.NONE);

        assertThatThrownBy(() -> CniResult.parse("not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> CniResult.parse("[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> CniResult.parse("{\"ips\":[{\"gateway\":\"1.2.3.4\"}]}"))
                .hasMessageContaining("no address");
    }
}
