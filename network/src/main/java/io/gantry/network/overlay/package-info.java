/**
 * The pod network across nodes: a VXLAN overlay in the manner of flannel's vxlan backend. Every node has one
 * VXLAN device; a peer node's pod range is routed through it to the peer's device, whose MAC address and node
 * address the node learns from the control plane (no multicast, no learning).
 */
package io.gantry.network.overlay;
