package io.gantry.agent.node;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The node's share of the cluster's pod network, known once the control plane allocated its podCIDR.
 *
 * @param podCidr     the node's pod range
 * @param clusterCidr the whole cluster's pod range, which pods reach without masquerading; the pod range when the
 *                    cluster publishes none
 * @param mtu         the MTU of pod interfaces (the node's less the overlay's overhead); empty for the default
 */
public record NodePodNetwork(String podCidr, String clusterCidr, OptionalInt mtu) {
    public NodePodNetwork {
        Objects.requireNonNull(podCidr, "podCidr");
        Objects.requireNonNull(clusterCidr, "clusterCidr");
        Objects.requireNonNull(mtu, "mtu");
    }
}
