package io.gantry.network.services;

import java.io.IOException;
import java.util.List;

/**
 * Puts a node's service rules in place, whatever the packet filter: {@link ServiceProxier} writes them with
 * {@code iptables-restore}, {@link NftServiceProxier} as one nftables table with {@code nft -f}. Both give a
 * service port the same meaning (see {@link ServicePort}); a node uses one of them, not both.
 */
public sealed interface ServiceProxyBackend permits ServiceProxier, NftServiceProxier {

    /**
     * Makes the rules those of exactly {@code ports}, writing only what changed since the last sync of this
     * object (everything the first time), in one atomic step.
     */
    void sync(List<ServicePort> ports) throws IOException;

    /** As {@link #sync}, writing everything whatever changed: repairs rules something else touched. */
    void resync(List<ServicePort> ports) throws IOException;

    /** Removes every service rule of this node network. */
    void removeAll() throws IOException;

    /** The packet filter a node's service rules are written for (kube-proxy's --proxy-mode). */
    enum Mode {
        /** One nftables table with verdict maps: writes grow with services, not endpoints. The default. */
        NFTABLES,
        /** kube-proxy's iptables chains, for hosts whose other tools expect them there. */
        IPTABLES;

        public static Mode parse(String text) {
            return switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "nftables" -> NFTABLES;
                case "iptables" -> IPTABLES;
                default -> throw new IllegalArgumentException("unknown proxy mode \"" + text
                        + "\": use nftables or iptables");
            };
        }

        /** This mode's backend for the node network of {@code podCidr}. */
        public ServiceProxyBackend backend(String podCidr, java.util.Optional<ServiceRules.LocalDns> dns) {
            return this == NFTABLES ? new NftServiceProxier(podCidr, dns) : new ServiceProxier(podCidr, dns);
        }
    }
}
