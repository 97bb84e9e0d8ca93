package io.gantry.network;

import io.gantry.network.exec.Iptables;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masquerades traffic from the node's pods to anything outside the pod CIDR (outside the cluster CIDR, when the
 * node knows it: pods of other nodes see the caller's own address) with one chain per node network,
 * {@code GANTRY-MASQ-<bridge>}, jumped to from nat POSTROUTING for the pod CIDR as source.
 *
 * <p>The bridge plugin's own {@code ipMasq} makes a chain per pod: about ten iptables runs to attach a pod and
 * five to detach it, which were most of a pod's start-up cost on a busy node. The node-wide chain is what
 * kubenet and flannel do instead. It is installed once and outlives the agent, as the pods it serves do.
 */
final class PodMasquerade {

    private static final Logger log = LoggerFactory.getLogger(PodMasquerade.class);
    private static final String MULTICAST = "224.0.0.0/4";

    private final String chain;
    private final String podCidr;
    private final String nonMasqueradeCidr;
    private final String comment;
    private final Iptables iptables = new Iptables();
    private boolean installed;

    PodMasquerade(PodNetworkConfig config) {
        this.chain = config.masqueradeChain();
        this.podCidr = config.podCidr();
        this.nonMasqueradeCidr = config.nonMasqueradeCidr();
        this.comment = "gantry: masquerade pods of " + config.bridgeName();
    }

    /** Installs the chain and its jump unless this object already did; rewrites the chain's rules either way. */
    synchronized void ensureInstalled() throws IOException {
        if (installed) {
            return;
        }
        // --noflush keeps every other rule; declaring the chain flushes just it, so a re-run replaces its rules
        iptables.restore("writing chain " + chain, String.join("\n",
                "*nat",
                ":" + chain + " - [0:0]",
                "-A " + chain + " -d " + nonMasqueradeCidr + " -j RETURN",
                "-A " + chain + " -d " + MULTICAST + " -j RETURN",
                "-A " + chain + " -j MASQUERADE",
                "COMMIT", ""));
        iptables.ensureFirst("nat", "POSTROUTING", jump());
        installed = true;
        log.info("pods of {} reach beyond it masqueraded (nat chain {})", podCidr, chain);
    }

    /** Removes the jump and the chain; nothing happens when they are not there. */
    synchronized void remove() throws IOException {
        iptables.deleteAll("nat", "POSTROUTING", jump());
        iptables.deleteChain("nat", chain);
        installed = false;
    }

    private List<String> jump() {
        return List.of("-s", podCidr, "-m", "comment", "--comment", comment, "-j", chain);
    }
}
