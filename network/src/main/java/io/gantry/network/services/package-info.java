/**
 * Services on a node, as kube-proxy's iptables mode makes them: a service port's cluster IP (and node port)
 * spread at random over its ready endpoints by DNAT, connections to one without endpoints rejected, and the
 * traffic that must come back through the node masqueraded. {@link io.gantry.network.services.ServiceProxier}
 * writes the whole set in one {@code iptables-restore}; {@link io.gantry.network.services.ServiceRules} renders
 * it and knows nothing of the host.
 */
package io.gantry.network.services;
