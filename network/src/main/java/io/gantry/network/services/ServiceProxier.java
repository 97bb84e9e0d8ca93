package io.gantry.network.services;

import io.gantry.network.BridgeNetfilter;
import io.gantry.network.exec.Iptables;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Puts the node's service rules ({@link ServiceRules}) in place: each {@link #sync} replaces them all with one
 * {@code iptables-restore}, so a connection never sees half of a change. The first sync also adds the jumps from
 * the built-in chains and has bridged traffic pass iptables (without that, a pod's reply to another pod on the
 * same bridge would skip the reverse DNAT of a cluster IP).
 */
public final class ServiceProxier implements ServiceProxyBackend {
    private static final List<String> SERVICES_JUMP = List.of("-m", "comment", "--comment",
            "gantry: service portals", "-j", ServiceRules.SERVICES);
    private static final List<String> NEW_SERVICES_JUMP = List.of("-m", "conntrack", "--ctstate", "NEW", "-m",
            "comment", "--comment", "gantry: service portals", "-j", ServiceRules.SERVICES);
    private static final List<String> POSTROUTING_JUMP = List.of("-m", "comment", "--comment",
            "gantry: service postrouting", "-j", ServiceRules.POSTROUTING);

    private final String podCidr;
    private final Optional<ServiceRules.LocalDns> dns;
    private final Iptables iptables = new Iptables();
    private boolean jumpsInstalled;
    /** What the last sync wrote, to write only what changed next time. */
    private ServiceRules.RuleSet applied;

    /** @param podCidr the node's pod range: connections to a cluster IP from elsewhere are masqueraded */
    public ServiceProxier(String podCidr) {
        this(podCidr, Optional.empty());
    }

    /** @param dns the cluster DNS address, sent to this node's own DNS server */
    public ServiceProxier(String podCidr, Optional<ServiceRules.LocalDns> dns) {
        this.podCidr = podCidr;
        this.dns = dns;
    }

    /**
     * Makes the rules those of exactly {@code ports}, writing only the chains that changed since the last sync
     * of this object (all of them the first time): following one endpoint's change costs about what that change
     * touches, not what the node serves.
     */
    @Override
    public synchronized void sync(List<ServicePort> ports) throws IOException {
        write(ports, false);
    }

    /** As {@link #sync}, writing every chain whatever changed: repairs rules something else touched. */
    @Override
    public synchronized void resync(List<ServicePort> ports) throws IOException {
        write(ports, true);
    }

    private void write(List<ServicePort> ports, boolean full) throws IOException {
        ServiceRules.RuleSet next = ServiceRules.rules(ports, podCidr, dns);
        boolean whole = full || applied == null;
        String input = next.restoreInput(whole ? Optional.empty() : Optional.of(applied),
                whole ? natChains() : Set.of());
        if (!input.isEmpty()) {
            try {
                iptables.restore("writing the service rules", input);
            } catch (IOException e) {
                applied = null; // what is there is unknown now: the next sync writes everything
                throw e;
            }
        }
        applied = next;
        if (!jumpsInstalled) {
            for (String chain : List.of("PREROUTING", "OUTPUT")) {
                iptables.ensureFirst("nat", chain, SERVICES_JUMP);
            }
            iptables.ensureFirst("nat", "POSTROUTING", POSTROUTING_JUMP);
            for (String chain : List.of("INPUT", "FORWARD", "OUTPUT")) {
                iptables.ensureFirst("filter", chain, NEW_SERVICES_JUMP);
            }
            BridgeNetfilter.ensureCallIptables("pods reaching a service whose endpoint is on their own bridge will"
                    + " not get its answers");
            jumpsInstalled = true;
        }
    }

    /** Removes every service rule, chain and jump of this node. */
    @Override
    public synchronized void removeAll() throws IOException {
        for (String chain : List.of("PREROUTING", "OUTPUT")) {
            iptables.deleteAll("nat", chain, SERVICES_JUMP);
        }
        iptables.deleteAll("nat", "POSTROUTING", POSTROUTING_JUMP);
        for (String chain : List.of("INPUT", "FORWARD", "OUTPUT")) {
            iptables.deleteAll("filter", chain, NEW_SERVICES_JUMP);
        }
        applied = null;
        iptables.deleteChain("filter", ServiceRules.SERVICES);
        // flushed first, all of them, so that no rule still jumps to a chain being deleted
        Set<String> chains = new LinkedHashSet<>(List.of(ServiceRules.SERVICES, ServiceRules.NODE_PORTS));
        natChains().stream().filter(ServiceRules::isServiceChain).forEach(chains::add);
        chains.add(ServiceRules.POSTROUTING);
        chains.add(ServiceRules.MARK_MASQ);
        chains.retainAll(natChains());
        if (!chains.isEmpty()) {
            // one restore, not three iptables runs per chain: each run loads the whole table, which takes minutes
            // for a node of thousands of chains. Declaring flushes them all before any is deleted, so that no
            // rule still jumps to a chain being deleted.
            StringBuilder input = new StringBuilder("*nat\n");
            chains.forEach(chain -> input.append(':').append(chain).append(" - [0:0]\n"));
            chains.forEach(chain -> input.append("-X ").append(chain).append('\n'));
            iptables.restore("removing the service rules", input.append("COMMIT\n").toString());
        }
        jumpsInstalled = false;
    }

    private Set<String> natChains() throws IOException {
        Set<String> chains = new LinkedHashSet<>();
        for (String line : iptables.save("nat").split("\n")) {
            if (line.startsWith(":GANTRY-")) {
                chains.add(line.substring(1, line.indexOf(' ')));
            }
        }
        return chains;
    }
}
