package io.gantry.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.network.cni.CniPlugins;
import io.gantry.network.ns.PodNamespaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * How this node's pod network is laid out and where its state lives. Build with {@link #builder(String)}; every
 * setting but the pod CIDR has a default.
 *
 * @param networkName    the CNI network name; also names host-local's directory
 * @param bridgeName     the Linux bridge the pods' veths are attached to
 * @param podCidr        the node's pod CIDR (IPv4), e.g. {@code 10.88.0.0/24}; its first address is the gateway
 * @param ipamDataDir    where host-local records allocated addresses
 * @param ipMasq         whether traffic from pods to outside the pod CIDR is masqueraded (one nat chain per node,
 *                       named after the bridge)
 * @param mtu            the MTU of the bridge and veths; empty lets the plugin choose
 * @param hairpinMode    lets a pod reach itself through a service or host port that leads back to it
 * @param pluginDirs     where CNI plugin executables are searched, in order
 * @param confDir        where the conflist is written for operators and tools to inspect; deliberately not
 *                       /etc/cni/net.d, which another container runtime on the node would pick up
 * @param cniCacheDir    where ADD results and arguments are recorded for DEL and CHECK
 * @param namespaceRoot  where pods' namespace files are bind-mounted
 * @param interfaceName  the pod's interface name
 * @param pluginTimeout  how long one plugin invocation may take before it is killed
 * @param chainedPlugins extra plugin configurations run after bridge and portmap (e.g. bandwidth, tuning)
 * @param nonMasqueradeCidr destinations the pods reach with their own address (the kubelet's
 *                       --non-masquerade-cidr): the cluster CIDR, so that pods of other nodes see who calls them;
 *                       the pod CIDR when the node knows no cluster CIDR
 */
public record PodNetworkConfig(String networkName, String bridgeName, String podCidr, Path ipamDataDir,
                               boolean ipMasq, OptionalInt mtu, boolean hairpinMode, List<Path> pluginDirs,
                               Path confDir, Path cniCacheDir, Path namespaceRoot, String interfaceName,
                               Duration pluginTimeout, List<ObjectNode> chainedPlugins, String nonMasqueradeCidr) {

    public static final String DEFAULT_NETWORK_NAME = "gantry";
    public static final String DEFAULT_BRIDGE_NAME = "gantry0";
    public static final Path DEFAULT_IPAM_DATA_DIR = Path.of("/var/lib/gantry/cni/ipam");
    public static final Path DEFAULT_CONF_DIR = Path.of("/etc/gantry/cni/net.d");
    public static final String DEFAULT_INTERFACE_NAME = "eth0";

    private static final Pattern LINK_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public PodNetworkConfig {
        Objects.requireNonNull(networkName, "networkName");
        Objects.requireNonNull(podCidr, "podCidr");
        Objects.requireNonNull(ipamDataDir, "ipamDataDir");
        Objects.requireNonNull(mtu, "mtu");
        Objects.requireNonNull(confDir, "confDir");
        Objects.requireNonNull(cniCacheDir, "cniCacheDir");
        Objects.requireNonNull(namespaceRoot, "namespaceRoot");
        Objects.requireNonNull(pluginTimeout, "pluginTimeout");
        requireLinkName(bridgeName, "bridge name");
        requireLinkName(interfaceName, "interface name");
        Ipv4Subnet.parse(podCidr);
        Ipv4Subnet.parse(Objects.requireNonNull(nonMasqueradeCidr, "nonMasqueradeCidr"));
        mtu.ifPresent(value -> {
            if (value < 576 || value > 65535) {
                throw new IllegalArgumentException("MTU " + value + " is outside 576..65535");
            }
        });
        pluginDirs = List.copyOf(pluginDirs);
        if (pluginDirs.isEmpty()) {
            throw new IllegalArgumentException("at least one CNI plugin directory is needed");
        }
        chainedPlugins = chainedPlugins.stream().map(ObjectNode::deepCopy).toList();
    }

    public static Builder builder(String podCidr) {
        return new Builder(podCidr);
    }

    /** The pods' default gateway: the pod CIDR's first address, which the bridge takes. */
    public String gateway() {
        return Ipv4Subnet.parse(podCidr).firstAddress();
    }

    /** The nat chain that masquerades the pods' traffic leaving the pod CIDR (see {@link #ipMasq}). */
    public String masqueradeChain() {
        // bridge names have at most 15 characters and chain names at most 28
        return "GANTRY-MASQ-" + bridgeName;
    }

    /** The filter chain that accepts the pods' forwarded traffic, whatever the host's FORWARD policy. */
    public String forwardChain() {
        return "GANTRY-FWD-" + bridgeName;
    }

    /**
     * The filter chain of the pods' network policies, jumped to first from {@link #forwardChain()}: empty, it
     * lets everything on to that chain's accepts.
     */
    public String policyChain() {
        return "GANTRY-NP-" + bridgeName;
    }

    @Override
    public List<ObjectNode> chainedPlugins() {
        return chainedPlugins.stream().map(ObjectNode::deepCopy).toList();
    }

    private static void requireLinkName(String name, String what) {
        if (name == null || !LINK_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + name + "': 1 to 15 letters, digits, '_',"
                    + " '.' or '-' (the kernel's limit for interface names)");
        }
    }

    /** Collects settings; unset ones take the defaults named on {@link PodNetworkConfig}. */
    public static final class Builder {
        private final String podCidr;
        private String networkName = DEFAULT_NETWORK_NAME;
        private String bridgeName = DEFAULT_BRIDGE_NAME;
        private Path ipamDataDir = DEFAULT_IPAM_DATA_DIR;
        private boolean ipMasq = true;
        private OptionalInt mtu = OptionalInt.empty();
        private boolean hairpinMode = true;
        private List<Path> pluginDirs = CniPlugins.DEFAULT_PLUGIN_DIRS;
        private Path confDir = DEFAULT_CONF_DIR;
        private Path cniCacheDir = CniPlugins.DEFAULT_CACHE_DIR;
        private Path namespaceRoot = PodNamespaces.DEFAULT_ROOT;
        private String interfaceName = DEFAULT_INTERFACE_NAME;
        private Duration pluginTimeout = CniPlugins.DEFAULT_PLUGIN_TIMEOUT;
        private final List<ObjectNode> chainedPlugins = new ArrayList<>();
        private String nonMasqueradeCidr;

        private Builder(String podCidr) {
            this.podCidr = podCidr;
        }

        public Builder networkName(String value) {
            networkName = value;
            return this;
        }

        public Builder bridgeName(String value) {
            bridgeName = value;
            return this;
        }

        public Builder ipamDataDir(Path value) {
            ipamDataDir = value;
            return this;
        }

        public Builder ipMasq(boolean value) {
            ipMasq = value;
            return this;
        }

        public Builder mtu(int value) {
            mtu = OptionalInt.of(value);
            return this;
        }

        public Builder hairpinMode(boolean value) {
            hairpinMode = value;
            return this;
        }

        public Builder pluginDirs(List<Path> value) {
            pluginDirs = value;
            return this;
        }

        public Builder confDir(Path value) {
            confDir = value;
            return this;
        }

        public Builder cniCacheDir(Path value) {
            cniCacheDir = value;
            return this;
        }

        public Builder namespaceRoot(Path value) {
            namespaceRoot = value;
            return this;
        }

        public Builder interfaceName(String value) {
            interfaceName = value;
            return this;
        }

        public Builder pluginTimeout(Duration value) {
            pluginTimeout = value;
            return this;
        }

        public Builder chainPlugin(ObjectNode pluginConfig) {
            chainedPlugins.add(pluginConfig.deepCopy());
            return this;
        }

        public Builder nonMasqueradeCidr(String value) {
            nonMasqueradeCidr = value;
            return this;
        }

        public PodNetworkConfig build() {
            return new PodNetworkConfig(networkName, bridgeName, podCidr, ipamDataDir, ipMasq, mtu, hairpinMode,
                    pluginDirs, confDir, cniCacheDir, namespaceRoot, interfaceName, pluginTimeout, chainedPlugins,
                    nonMasqueradeCidr == null ? podCidr : nonMasqueradeCidr);
        }
    }
}
