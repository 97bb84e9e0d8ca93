package io.gantry.network.services;

import io.gantry.network.BridgeNetfilter;
import io.gantry.network.exec.Nft;
import io.gantry.network.exec.ProcessResult;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the node's service rules ({@link NftServiceRules}) in place as one nftables table of their own, each write
 * one {@code nft -f} transaction, so a connection never sees half of a change. The iptables backend's
 * counterpart ({@link ServiceProxier}) with the same meaning; the table is named after the pod range
 * ({@link NftServiceRules#tableName}) unless the caller names it, so that two node networks in one network
 * namespace each have their own. The first write also has bridged traffic pass netfilter (without that, a pod's
 * reply to another pod on the same bridge would skip the reverse DNAT of a cluster IP).
 */
public final class NftServiceProxier implements ServiceProxyBackend {
    private static final Logger log = LoggerFactory.getLogger(NftServiceProxier.class);

    private final String podCidr;
    private final Optional<ServiceRules.LocalDns> dns;
    private final String table;
    private final Nft nft;
    private boolean bridgeChecked;
    /** What the last write left in the table, to write only what changed next time; null when unknown. */
    private NftServiceRules.RuleSet applied;

    /** @param podCidr the node's pod range: connections to a cluster IP from elsewhere are masqueraded */
    public NftServiceProxier(String podCidr) {
        this(podCidr, Optional.empty());
    }

    /** @param dns the cluster DNS address, sent to this node's own DNS server */
    public NftServiceProxier(String podCidr, Optional<ServiceRules.LocalDns> dns) {
        this(podCidr, dns, NftServiceRules.tableName(podCidr));
    }

    /** @param table the name of the {@code ip} table that holds the rules, which this object owns alone */
    public NftServiceProxier(String podCidr, Optional<ServiceRules.LocalDns> dns, String table) {
        this(podCidr, dns, table, new Nft());
    }

    /** @param nft the nftables to write, e.g. those of another network namespace */
    NftServiceProxier(String podCidr, Optional<ServiceRules.LocalDns> dns, String table, Nft nft) {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_.-]{0,200}")) {
            throw new IllegalArgumentException("not an nftables table name: " + table);
        }
        this.podCidr = podCidr;
        this.dns = dns;
        this.table = table;
        this.nft = nft;
    }

    /** The {@code ip} table this proxier writes. */
    public String table() {
        return table;
    }

    /**
     * Makes the rules those of exactly {@code ports}, writing only the chains and map elements that changed since
     * the last sync of this object (everything the first time).
     */
    @Override
    public synchronized void sync(List<ServicePort> ports) throws IOException {
        write(ports, false);
    }

    /** As {@link #sync}, writing the whole table whatever changed: repairs rules something else touched. */
    @Override
    public synchronized void resync(List<ServicePort> ports) throws IOException {
        write(ports, true);
    }

    private void write(List<ServicePort> ports, boolean full) throws IOException {
        NftServiceRules.RuleSet next = NftServiceRules.rules(ports, podCidr, dns);
        try {
            if (full || applied == null) {
                ProcessResult result = nft.applyResult(next.fullInput(table, existingObjects()));
                if (!result.succeeded()) {
                    // e.g. a base chain hooked otherwise by an older version: start the table afresh
                    log.warn("rewriting nftables table {} from scratch: {}", table, result.describeFailure()
                            .lines().findFirst().orElse(""));
                    nft.apply("writing the service rules", next.replaceInput(table));
                }
            } else {
                String input = next.updateInput(table, applied);
                if (!input.isEmpty()) {
                    nft.apply("updating the service rules", input);
                }
            }
        } catch (IOException e) {
            applied = null; // what is there is unknown now: the next sync writes everything
            throw e;
        }
        applied = next;
        if (!bridgeChecked) {
            BridgeNetfilter.ensureCallIptables("pods reaching a service whose endpoint is on their own bridge will"
                    + " not get its answers");
            bridgeChecked = true;
        }
    }

    /** Removes the table, and with it every service rule of this node network. */
    @Override
    public synchronized void removeAll() throws IOException {
        applied = null;
        // declaring it first makes the deletion succeed when it is not there
        nft.apply("removing the service rules", "table ip " + table + " {}\ndelete table ip " + table + "\n");
        bridgeChecked = false;
    }

    /** The chains, sets and maps in the table now; none when it does not exist. */
    private Set<String> existingObjects() throws IOException {
        ProcessResult listing = nft.script(NftServiceRules.LIST_OBJECTS, "-t");
        if (!listing.succeeded()) {
            throw new IOException("listing the nftables objects failed: " + listing.describeFailure());
        }
        return NftServiceRules.existingObjects(listing.stdout(), table);
    }
}
