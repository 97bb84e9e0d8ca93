package io.gantry.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.network.cni.CniPlugins;
import io.gantry.network.ns.PodNamespaces;
import org.junit.jupiter.api.Test;

class PodNetworkConfigTest {

    @Test
    void defaults() {
        PodNetworkConfig config = PodNetworkConfig.builder("10.88.0.0/24").build();

        assertThat(config.bridgeName()).isEqualTo("gantry0");
        assertThat(config.gateway()).isEqualTo("10.88.0.1");
        assertThat(config.ipMasq()).isTrue();
        assertThat(config.hairpinMode()).isTrue();
        assertThat(config.mtu()).isEmpty();
        assertThat(config.pluginDirs()).isEqualTo(CniPlugins.DEFAULT_PLUGIN_DIRS);
        assertThat(config.namespaceRoot()).isEqualTo(PodNamespaces.DEFAULT_ROOT);
        assertThat(config.interfaceName()).isEqualTo("eth0");
    }

    @Test
    void rejectsNamesTheKernelWouldRefuse() {
        assertThatThrownBy(() -> PodNetworkConfig.builder("10.88.0.0/24").bridgeName("a-very-long-bridge").build())
                .hasMessageContaining("15");
        assertThatThrownBy(() -> PodNetworkConfig.builder("10.88.0.0/24").bridgeName("br 0").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PodNetworkConfig.builder("10.88.0.0/24").mtu(100).build())
                .hasMessageContaining("MTU");
    }

    @Test
    void portMappingsAreValidated() {
        assertThat(PortMapping.tcp(8080, 80).protocol().cniName()).isEqualTo("tcp");
        assertThatThrownBy(() -> PortMapping.tcp(0, 80)).hasMessageContaining("host port 0");
        assertThatThrownBy(() -> PortMapping.tcp(80, 70000)).hasMessageContaining("container port 70000");
    }
}
