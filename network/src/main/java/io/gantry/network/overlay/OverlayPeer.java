package io.gantry.network.overlay;

import java.util.Objects;

/**
 * Another node as the overlay sees it.
 *
 * @param nodeIp  the address its VXLAN packets go to
 * @param podCidr its pod range, routed through the overlay
 * @param vtepMac the MAC address of its VXLAN device
 */
public record OverlayPeer(String nodeIp, String podCidr, String vtepMac) {
    public OverlayPeer {
        Objects.requireNonNull(nodeIp, "nodeIp");
        Objects.requireNonNull(podCidr, "podCidr");
        Objects.requireNonNull(vtepMac, "vtepMac");
        if (!vtepMac.matches("(?i)([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
            throw new IllegalArgumentException("not a MAC address: " + vtepMac);
        }
    }

    /** The address the peer's VXLAN device holds: the first of its pod range, the next hop for the range. */
    String gateway() {
        return Overlay.networkAddress(podCidr);
    }
}
