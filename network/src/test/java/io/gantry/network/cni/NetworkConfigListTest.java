package io.gantry.network.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetworkConfigListTest {

    @Test
    void parsesAValidList() {
        NetworkConfigList list = NetworkConfigList.parse("""
                {"cniVersion":"1.0.0","name":"pods","disableCheck":"true",
                 "plugins":[{"type":"bridge","bridge":"br0"},{"type":"portmap"}]}""");

        assertThat(list.name()).isEqualTo("pods");
        assertThat(list.cniVersion()).isEqualTo("1.0.0");
        assertThat(list.disableCheck()).isTrue();
        assertThat(list.pluginTypes()).containsExactly("bridge", "portmap");
        assertThat(list.plugin(0).get("bridge").asText()).isEqualTo("br0");
    }

    @Test
    void handsOutCopies() {
        NetworkConfigList list = NetworkConfigList.parse("""
                {"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"bridge"}]}""");

        list.plugin(0).put("type", "changed");
        list.toJsonTree().put("name", "changed");

        assertThat(list.pluginType(0)).isEqualTo("bridge");
        assertThat(list.name()).isEqualTo("pods");
    }

    @Test
    void rejectsInvalidListsWithAReason() {
        assertThatThrownBy(() -> NetworkConfigList.parse("{")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> NetworkConfigList.parse("[]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> NetworkConfigList.parse("""
                {"name":"pods","plugins":[{"type":"bridge"}]}""")).hasMessageContaining("'cniVersion'");
        assertThatThrownBy(() -> NetworkConfigList.parse("""
                {"cniVersion":"1.0.0","name":"-pods","plugins":[{"type":"bridge"}]}"""))
                .hasMessageContaining("network name '-pods'");
        assertThatThrownBy(() -> NetworkConfigList.parse("""
                {"cniVersion":"1.0.0","name":"pods","plugins":[]}""")).hasMessageContaining("at least one plugin");
        assertThatThrownBy(() -> NetworkConfigList.parse("""
                {"cniVersion":"1.0.0","name":"pods","plugins":[{"bridge":"br0"}]}"""))
                .hasMessageContaining("'type'");
        assertThatThrownBy(() -> NetworkConfigList.parse("""
                {"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"../../bin/sh"}]}"""))
                .hasMessageContaining("not a plain executable name");
    }
}
