package io.gantry.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClusterNetworkTest {
    @Test
    void roundTripsThroughFlannelsNetConfFormat() {
        ClusterNetwork network = new ClusterNetwork("10.244.0.0/16", ClusterNetwork.Backend.HOST_GW);
        assertThat(network.toJson()).isEqualTo("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}");
        assertThat(ClusterNetwork.parse(network.toJson())).isEqualTo(network);
        assertThat(ClusterNetwork.parse("{\"Network\":\"10.1.0.0/16\"}").backend())
                .as("flannel's default backend").isEqualTo(ClusterNetwork.Backend.VXLAN);
    }

    @Test
    void badConfigurationsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ClusterNetwork.parse("{")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ClusterNetwork.parse("{}")).hasMessageContaining("names no Network");
        assertThatThrownBy(() -> ClusterNetwork.parse("{\"Network\":\"10.1.0.0/16\",\"Backend\":{\"Type\":\"udp\"}}"))
                .hasMessageContaining("use vxlan or host-gw");
        assertThatThrownBy(() -> new ClusterNetwork("10.1.0.0/33", ClusterNetwork.Backend.VXLAN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
