package io.gantry.network.overlay;

import io.gantry.network.exec.IpRoute2;
import io.gantry.network.exec.ProcessResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's VXLAN device and the routes through it, as flannel's vxlan backend sets them up: the device holds
 * the network address of the node's pod range; for each peer node, a route to the peer's pod range via the
 * peer's device address ({@code onlink}), a permanent neighbour entry giving that address the peer device's
 * MAC, and a forwarding entry sending that MAC to the peer's node address. Learning is off: every entry comes
 * from {@link #setPeers}.
 */
public final class Overlay {
    private static final Logger log = LoggerFactory.getLogger(Overlay.class);
    /** What VXLAN adds to each packet: outer IPv4 (20), UDP (8), VXLAN (8) and inner Ethernet (14) headers. */
    public static final int VXLAN_OVERHEAD = 50;
    public static final int DEFAULT_PORT = 4789;
    public static final int DEFAULT_VNI = 1;

    private final String device;
    private final int vni;
    private final String localIp;
    private final String podCidr;
    private final int mtu;
    private final IpRoute2 tools;
    private final Set<OverlayPeer> installed = new HashSet<>();

    /**
     * @param device    the VXLAN device's name
     * @param localIp   this node's address, where peers send its packets
     * @param podCidr   this node's pod range
     * @param mtu       the device's MTU: the node interface's less {@link #VXLAN_OVERHEAD}
     * @param netns     a network namespace name to work in (for tests that play several hosts), or null for this
     *                  process' own
     */
    public Overlay(String device, int vni, String localIp, String podCidr, int mtu, String netns) {
        this.device = device;
        this.vni = vni;
        this.localIp = localIp;
        this.podCidr = podCidr;
        this.mtu = mtu;
        this.tools = new IpRoute2(netns);
    }

    /** Makes the device (or finds it) with its address, up. */
    public synchronized void ensureDevice() throws IOException {
        ProcessResult shown = ip("-d", "-o", "link", "show", device);
        if (shown.succeeded() && !shown.stdout().contains("vxlan id " + vni + " local " + localIp + " ")) {
            // made for another address or network (the node's address changed): peers would not reach it
            log.info("overlay device {} does not match VXLAN {} on {}: making it again", device, vni, localIp);
            require(ip("link", "del", device));
            installed.clear();
            shown = ip("-d", "-o", "link", "show", device);
        }
        if (!shown.succeeded()) {
            require(ip("link", "add", device, "type", "vxlan", "id", String.valueOf(vni), "local", localIp,
                    "dstport", String.valueOf(DEFAULT_PORT), "nolearning"));
            log.info("overlay device {} (VXLAN {}) on {} for pod range {}", device, vni, localIp, podCidr);
        }
        require(ip("link", "set", device, "mtu", String.valueOf(mtu)));
        String address = networkAddress(podCidr) + "/32";
        if (!ip("-o", "-4", "addr", "show", "dev", device).stdout().contains(" " + address + " ")) {
            require(ip("addr", "add", address, "dev", device));
        }
        require(ip("link", "set", device, "up"));
    }

    /** The device's MAC address, which peers need. */
    public String vtepMac() throws IOException {
        ProcessResult shown = ip("-o", "link", "show", device);
        require(shown);
        String[] words = shown.stdout().split("\\s+");
        for (int i = 0; i < words.length - 1; i++) {
            if (words[i].equals("link/ether")) {
                return words[i + 1];
            }
        }
        throw new IOException("device " + device + " shows no MAC address: " + shown.stdout());
    }

    /** Makes the routes those to exactly {@code peers}: new ones added, changed ones replaced, gone ones removed. */
    public synchronized void setPeers(List<OverlayPeer> peers) throws IOException {
        setPeers(peers, false);
    }

    /**
     * As {@link #setPeers(List)}; {@code rewrite} writes the entries of every peer again, also those this object
     * installed before, in case something removed them.
     */
    public synchronized void setPeers(List<OverlayPeer> peers, boolean rewrite) throws IOException {
        Set<OverlayPeer> wanted = new HashSet<>(peers);
        for (OverlayPeer gone : new ArrayList<>(installed)) {
            if (!wanted.contains(gone)) {
                removePeer(gone);
                installed.remove(gone);
            }
        }
        List<String> failures = new ArrayList<>();
        for (OverlayPeer peer : wanted) {
            if (rewrite || !installed.contains(peer)) {
                try {
                    addPeer(peer);
                    installed.add(peer);
                } catch (IOException e) {
                    failures.add(peer.podCidr() + " at " + peer.nodeIp() + ": " + e.getMessage()); // the others go on
                }
            }
        }
        if (rewrite) {
            pruneOthers(wanted);
        }
        if (!failures.isEmpty()) {
            throw new IOException("cannot reach the pods of " + String.join("; ", failures));
        }
    }

    private void addPeer(OverlayPeer peer) throws IOException {
        require(tools.bridge("fdb", "replace", peer.vtepMac(), "dev", device, "dst", peer.nodeIp(), "self",
                "permanent"));
        require(ip("neigh", "replace", peer.gateway(), "lladdr", peer.vtepMac(), "dev", device, "nud", "permanent"));
        require(ip("route", "replace", peer.podCidr(), "via", peer.gateway(), "dev", device, "onlink"));
        log.debug("pods of {} reached through the overlay at {}", peer.podCidr(), peer.nodeIp());
    }

    /**
     * Removes routes, neighbours and forwarding entries through the device that no wanted peer accounts for: those
     * of nodes that went while this process was not running to see them go.
     */
    private void pruneOthers(Set<OverlayPeer> wanted) throws IOException {
        Set<String> cidrs = new HashSet<>();
        Set<String> gateways = new HashSet<>();
        Set<String> nodes = new HashSet<>();
        wanted.forEach(p -> {
            cidrs.add(p.podCidr());
            gateways.add(p.gateway());
            nodes.add(p.nodeIp());
        });
        for (String line : ip("-o", "-4", "route", "show", "dev", device).stdout().split("\n")) {
            String cidr = line.trim().split("\\s+")[0];
            if (!cidr.isEmpty() && cidr.contains("/") && !cidrs.contains(cidr)) {
                ip("route", "del", cidr, "dev", device);
                log.info("pods of {} no longer reached through the overlay (a node gone meanwhile)", cidr);
            }
        }
        for (String line : ip("-4", "neigh", "show", "dev", device).stdout().split("\n")) {
            String address = line.trim().split("\\s+")[0];
            if (!address.isEmpty() && !gateways.contains(address)) {
                ip("neigh", "del", address, "dev", device);
            }
        }
        for (String line : tools.bridge("fdb", "show", "dev", device).stdout().split("\n")) {
            String[] words = line.trim().split("\\s+");
            int dst = java.util.Arrays.asList(words).indexOf("dst");
            if (dst > 0 && dst + 1 < words.length && !nodes.contains(words[dst + 1])) {
                tools.bridge("fdb", "del", words[0], "dev", device, "dst", words[dst + 1], "self");
            }
        }
    }

    private void removePeer(OverlayPeer peer) throws IOException {
        // each step may find its entry gone already (a device made again, a reboot): a failure says so, no more
        ip("route", "del", peer.podCidr(), "via", peer.gateway(), "dev", device);
        ip("neigh", "del", peer.gateway(), "dev", device);
        tools.bridge("fdb", "del", peer.vtepMac(), "dev", device, "dst", peer.nodeIp(), "self");
        log.info("pods of {} no longer reached through the overlay", peer.podCidr());
    }

    /** Removes the device, and with it every route and entry through it. */
    public synchronized void remove() throws IOException {
        if (ip("link", "show", device).succeeded()) {
            require(ip("link", "del", device));
        }
        installed.clear();
    }

    /** The first address of an IPv4 CIDR, e.g. 10.244.1.0 for 10.244.1.0/24. */
    static String networkAddress(String cidr) {
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        String[] octets = parts[0].split("\\.");
        long address = 0;
        for (String octet : octets) {
            address = address << 8 | Integer.parseInt(octet);
        }
        long mask = prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
        long network = address & mask;
        return (network >> 24 & 0xFF) + "." + (network >> 16 & 0xFF) + "." + (network >> 8 & 0xFF) + "."
                + (network & 0xFF);
    }

    private ProcessResult ip(String... arguments) throws IOException {
        return tools.ip(arguments);
    }

    private static void require(ProcessResult result) throws IOException {
        IpRoute2.require(result);
    }
}
