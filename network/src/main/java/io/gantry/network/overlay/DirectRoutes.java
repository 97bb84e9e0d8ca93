package io.gantry.network.overlay;

import io.gantry.network.exec.IpRoute2;
import io.gantry.network.exec.ProcessResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host-gw way to other nodes' pods, as flannel's host-gw backend does it: a route to each peer's pod range
 * with the peer's own address as next hop. No encapsulation and no MTU cost, but every node must reach every
 * other directly on one link; a route the kernel refuses (a next hop that is not on a local link) fails loudly.
 */
public final class DirectRoutes {
    private static final Logger log = LoggerFactory.getLogger(DirectRoutes.class);
    /**
     * The routing protocol number Gantry's routes carry (unassigned in iproute2's rt_protos), so that a full
     * rewrite finds the routes of nodes that went while no process was running to remove them.
     */
    public static final String PROTO = "78";

    private final IpRoute2 tools;
    /** Installed routes: pod range to next hop. */
    private final Map<String, String> installed = new HashMap<>();

    /** @param netns a network namespace name to work in (for tests), or null for this process' own */
    public DirectRoutes(String netns) {
        this.tools = new IpRoute2(netns);
    }

    /**
     * Makes the routes those to exactly {@code peers}, given as pod range to node address; {@code rewrite} writes
     * every route again, also those this object installed before, in case something removed them.
     */
    public synchronized void setPeers(Map<String, String> peers, boolean rewrite) throws IOException {
        for (Map.Entry<String, String> gone : Map.copyOf(installed).entrySet()) {
            if (!gone.getValue().equals(peers.get(gone.getKey()))) {
                // the route may be gone already (its link went away): the failure only says so
                tools.ip("route", "del", gone.getKey(), "via", gone.getValue());
                installed.remove(gone.getKey());
                log.info("pods of {} no longer routed via {}", gone.getKey(), gone.getValue());
            }
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> peer : peers.entrySet()) {
            if (rewrite || !installed.containsKey(peer.getKey())) {
                ProcessResult added = tools.ip("route", "replace", peer.getKey(), "via", peer.getValue(), "proto",
                        PROTO);
                if (!added.succeeded()) {
                    // the other peers still get their routes
                    failures.add(peer.getKey() + " via " + peer.getValue() + ": " + added.describeFailure());
                    continue;
                }
                installed.put(peer.getKey(), peer.getValue());
                log.info("pods of {} routed via {}", peer.getKey(), peer.getValue());
            }
        }
        if (rewrite) {
            for (String line : tools.ip("-o", "-4", "route", "show", "proto", PROTO).stdout().split("\n")) {
                String cidr = line.trim().split("\\s+")[0];
                if (cidr.contains("/") && !peers.containsKey(cidr)) {
                    tools.ip("route", "del", cidr, "proto", PROTO);
                    log.info("pods of {} no longer routed (a node gone meanwhile)", cidr);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("cannot route pods of " + String.join("; ", failures)
                    + " (host-gw needs every node on one link)");
        }
    }

    /** Removes every route this object installed. */
    public synchronized void remove() throws IOException {
        setPeers(Map.of(), false);
    }
}
