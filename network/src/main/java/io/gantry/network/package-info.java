/**
 * Pod networking on one node, as the node agent uses it: {@link io.gantry.network.PodNetwork} gives each pod its
 * own network, IPC and UTS namespaces and an address on the node bridge through the standard CNI plugins (bridge
 * with host-local IPAM, then portmap for host ports). Knows nothing of Kubernetes objects: callers pass pod ids,
 * hostnames and port mappings.
 */
package io.gantry.network;
