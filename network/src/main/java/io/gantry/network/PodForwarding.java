package io.gantry.network;

import io.gantry.network.exec.Iptables;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the node forward its pods' traffic whatever the host's FORWARD policy: Docker, for one, sets it to DROP,
 * which would cut pods off from everything beyond their bridge (and, with bridged traffic passing iptables, from
 * each other). One filter chain per node network, {@code GANTRY-FWD-<bridge>}, jumped to first from FORWARD,
 * accepts what comes from or goes to the pod range, as flannel's FLANNEL-FWD does.
 *
 * <p>Its first rule jumps to the network policy chain ({@link PodNetworkConfig#policyChain()}), so that a policy's
 * drops come before the accepts. That chain is {@link io.gantry.network.policy.PolicyEnforcer}'s: it is made here
 * (empty, which lets everything through) only when missing, and never flushed, so the policies in force stay.
 */
final class PodForwarding {
    private static final Logger log = LoggerFactory.getLogger(PodForwarding.class);

    private final String chain;
    private final String policyChain;
    private final String podCidr;
    private final String comment;
    private final Iptables iptables = new Iptables();
    private boolean installed;

    PodForwarding(PodNetworkConfig config) {
        this.chain = config.forwardChain();
        this.policyChain = config.policyChain();
        this.podCidr = config.podCidr();
        this.comment = "gantry: forward pods of " + config.bridgeName();
    }

    synchronized void ensureInstalled() throws IOException {
        if (installed) {
            return;
        }
        iptables.ensureChain("filter", policyChain);
        iptables.restore("writing chain " + chain, String.join("\n",
                "*filter",
                ":" + chain + " - [0:0]",
                "-A " + chain + " -j " + policyChain,
                "-A " + chain + " -s " + podCidr + " -j ACCEPT",
                "-A " + chain + " -d " + podCidr + " -j ACCEPT",
                "COMMIT", ""));
        iptables.ensureFirst("filter", "FORWARD", jump());
        installed = true;
        log.info("pods of {} are forwarded whatever the host's FORWARD policy (filter chain {})", podCidr, chain);
    }

    synchronized void remove() throws IOException {
        iptables.deleteAll("filter", "FORWARD", jump());
        iptables.deleteChain("filter", chain);
        installed = false;
    }

    private List<String> jump() {
        return List.of("-m", "comment", "--comment", comment, "-j", chain);
    }
}
