package io.gantry.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.network.cni.NetworkConfigList;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BridgeConflistTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bridgeWithHostLocalThenPortmap() throws Exception {
        PodNetworkConfig config = PodNetworkConfig.builder("10.88.0.0/24")
                .ipamDataDir(Path.of("/var/lib/test-ipam"))
                .mtu(1400)
                .build();

        NetworkConfigList list = BridgeConflist.build(config);

        assertThat(list.name()).isEqualTo("gantry");
        assertThat(list.cniVersion()).isEqualTo("1.0.0");
        assertThat(list.pluginTypes()).containsExactly("bridge", "portmap");
        assertThat(list.plugin(0)).isEqualTo(JSON.readTree("""
                {"type":"bridge","bridge":"gantry0","isGateway":true,"ipMasq":false,"hairpinMode":true,"mtu":1400,
                 "ipam":{"type":"host-local","dataDir":"/var/lib/test-ipam",
                         "ranges":[[{"subnet":"10.88.0.0/24","gateway":"10.88.0.1"}]],
                         "routes":[{"dst":"0.0.0.0/0"}]}}"""));
        assertThat(list.plugin(1)).isEqualTo(JSON.readTree("""
                {"type":"portmap","capabilities":{"portMappings":true},"snat":true}"""));
    }

    @Test
    void optionsAndChainedPluginsAreHonoured() {
        ObjectNode bandwidth = JSON.createObjectNode().put("type", "bandwidth");
        PodNetworkConfig config = PodNetworkConfig.builder("10.88.0.0/16")
                .networkName("other").bridgeName("br-pods").ipMasq(false).hairpinMode(false)
                .chainPlugin(bandwidth)
                .build();

        NetworkConfigList list = BridgeConflist.build(config);

        assertThat(list.name()).isEqualTo("other");
        assertThat(list.pluginTypes()).containsExactly("bridge", "portmap", "bandwidth");
        ObjectNode bridge = list.plugin(0);
        assertThat(bridge.get("bridge").asText()).isEqualTo("br-pods");
        assertThat(bridge.get("ipMasq").asBoolean()).isFalse();
        assertThat(bridge.get("hairpinMode").asBoolean()).isFalse();
        assertThat(bridge.has("mtu")).isFalse();
    }
}
