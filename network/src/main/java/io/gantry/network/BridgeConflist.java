package io.gantry.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.network.cni.NetworkConfigList;

/**
 * The node's network configuration list: the bridge plugin (the node's gateway for its pods, with host-local IPAM
 * over the pod CIDR and a default route through the bridge), then portmap for host ports, then any chained extras.
 * The plugin does not masquerade: {@link PodMasquerade} does that for the whole node.
 */
final class BridgeConflist {

    static final String CNI_VERSION = "1.0.0";

    private static final ObjectMapper JSON = new ObjectMapper();

    private BridgeConflist() {
    }

    static NetworkConfigList build(PodNetworkConfig config) {
        ObjectNode list = JSON.createObjectNode();
        list.put("cniVersion", CNI_VERSION);
        list.put("name", config.networkName());
        var plugins = list.putArray("plugins");

        ObjectNode bridge = plugins.addObject();
        bridge.put("type", "bridge");
        bridge.put("bridge", config.bridgeName());
        bridge.put("isGateway", true);
        // masquerading is one rule set for the node (PodMasquerade), not the plugin's chain per pod
        bridge.put("ipMasq", false);
        bridge.put("hairpinMode", config.hairpinMode());
        config.mtu().ifPresent(mtu -> bridge.put("mtu", mtu));
        ObjectNode ipam = bridge.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.put("dataDir", config.ipamDataDir().toAbsolutePath().toString());
        ObjectNode range = ipam.putArray("ranges").addArray().addObject();
        range.put("subnet", config.podCidr());
        range.put("gateway", config.gateway());
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");

        ObjectNode portmap = plugins.addObject();
        portmap.put("type", "portmap");
        portmap.putObject("capabilities").put("portMappings", true);
        // Masquerade hairpin and localhost connections to host ports, or replies would bypass the DNAT.
        portmap.put("snat", true);

        config.chainedPlugins().forEach(plugins::add);
        return NetworkConfigList.of(list);
    }
}
