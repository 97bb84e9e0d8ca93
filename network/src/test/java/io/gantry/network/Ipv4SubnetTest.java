package io.gantry.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4SubnetTest {

    @Test
    void gatewayIsTheFirstAddress() {
        assertThat(Ipv4Subnet.parse("10.88.0.0/24").firstAddress()).isEqualTo("10.88.0.1");
        assertThat(Ipv4Subnet.parse("10.244.128.0/17").firstAddress()).isEqualTo("10.244.128.1");
        assertThat(Ipv4Subnet.parse("192.168.255.252/30").firstAddress()).isEqualTo("192.168.255.253");
    }

    @Test
    void rejectsWhatIsNotAnIpv4NetworkWithAUsableSize() {
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.88.0.0")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.88.0.5/24")).hasMessageContaining("did you mean 10.88.0.0/24");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.88.0.0/31")).hasMessageContaining("between 8 and 30");
        assertThatThrownBy(() -> Ipv4Subnet.parse("fd00::/64")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.300.0.0/16")).hasMessageContaining("not an IPv4 network");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.88..0/24")).hasMessageContaining("not an IPv4 network");
    }
}
