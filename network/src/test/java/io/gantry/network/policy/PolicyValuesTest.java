package io.gantry.network.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.network.PortMapping.Protocol;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyValuesTest {

    @Test
    void ipBlocksAreKeptInCanonicalFormAndExceptionsMustLieInside() {
        IpBlock block = new IpBlock("10.1.2.3/16", List.of("10.1.9.9/24"));

        assertThat(block.cidr()).isEqualTo("10.1.0.0/16");
        assertThat(block.except()).containsExactly("10.1.9.0/24");
        assertThat(IpBlock.of("10.88.0.7").cidr()).isEqualTo("10.88.0.7/32");
        assertThat(IpBlock.of("0.0.0.0/0").cidr()).isEqualTo("0.0.0.0/0");
        assertThatThrownBy(() -> new IpBlock("10.1.0.0/16", List.of("10.2.0.0/24")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside 10.1.0.0/16");
        assertThatThrownBy(() -> new IpBlock("10.1.0.0/16", List.of("10.0.0.0/8")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside");
    }

    @Test
    void anythingButIpv4IsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> IpBlock.of("fd00::/64")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IPv6").hasMessageContaining("IPv4 only");
        assertThatThrownBy(() -> IpBlock.of("fd00::1")).hasMessageContaining("IPv6");
        assertThatThrownBy(() -> new PodPolicy("fd00::1", Optional.empty(), Optional.empty()))
                .hasMessageContaining("IPv6");
        for (String bad : List.of("10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "10.0.0.256/32", "010.0.0.0/8",
                "10.0.0.0/x", "ten/8", "10..0.0/8")) {
            assertThatThrownBy(() -> IpBlock.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.substring(0, bad.indexOf('/')));
        }
        assertThatThrownBy(() -> new PodPolicy("10.0.0.1/32", Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pod IP");
    }

    @Test
    void portsAreSinglePortsRangesOrEveryPortOfAProtocol() {
        assertThat(PolicyPort.tcp(8080).isRange()).isFalse();
        assertThat(new PolicyPort(Protocol.UDP, 53, 53).isRange()).isFalse();
        assertThat(new PolicyPort(Protocol.TCP, 8000, 8100).isRange()).isTrue();
        assertThat(new PolicyPort(Protocol.SCTP, 0, 0).port()).isZero();
        assertThatThrownBy(() -> new PolicyPort(Protocol.TCP, 65536, 0)).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> new PolicyPort(Protocol.TCP, -1, 0)).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> new PolicyPort(Protocol.TCP, 80, 70000)).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> new PolicyPort(Protocol.TCP, 8080, 8000)).hasMessageContaining("below port 8080");
        assertThatThrownBy(() -> new PolicyPort(Protocol.TCP, 0, 80)).hasMessageContaining("needs a port");
        assertThatThrownBy(() -> new PolicyPort(null, 80, 0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void listsAreCopied() {
        List<PolicyRule> rules = new java.util.ArrayList<>();
        PodPolicy pod = new PodPolicy("10.0.0.1", Optional.of(rules), Optional.empty());
        rules.add(new PolicyRule(List.of(), List.of()));

        assertThat(pod.ingress()).contains(List.of());
    }
}
