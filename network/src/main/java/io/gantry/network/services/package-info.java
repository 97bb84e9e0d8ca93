/**
 * Services on a node, as kube-proxy makes them: a service port's cluster IP (and node port) spread at random over
 * its ready endpoints by DNAT, connections to one without endpoints rejected, and the traffic that must come back
 * through the node masqueraded. Two backends do it, behind {@link io.gantry.network.services.ServiceProxyBackend}:
 * {@link io.gantry.network.services.ServiceProxier} in the shape of kube-proxy's iptables mode, in one
 * {@code iptables-restore}, and {@link io.gantry.network.services.NftServiceProxier} in the shape of its nftables
 * mode, one table written in one {@code nft -f} transaction (much faster with many endpoints).
 * {@link io.gantry.network.services.ServiceRules} and {@link io.gantry.network.services.NftServiceRules} render
 * them and know nothing of the host.
 */
package io.gantry.network.services;
