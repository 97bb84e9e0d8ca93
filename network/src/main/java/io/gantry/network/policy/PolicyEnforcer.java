package io.gantry.network.policy;

import io.gantry.network.BridgeNetfilter;
import io.gantry.network.PodNetworkConfig;
import io.gantry.network.exec.Iptables;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts one node network's network policies ({@link PolicyRules}) in place: each {@link #sync} writes them all
 * with one {@code iptables-restore}, so a connection never sees half of a change, and deletes the chains of pods
 * no longer isolated, also those an earlier process left.
 *
 * <p>The top chain is reached from the network's forward chain, which {@code PodNetwork} jumps to first from
 * FORWARD; traffic to and from the node itself never passes there and is never filtered, as Kubernetes wants.
 * Safe to call from several threads.
 */
public final class PolicyEnforcer {
    private static final Logger log = LoggerFactory.getLogger(PolicyEnforcer.class);

    private final PolicyChains chains;
    private final String forwardChain;
    private final List<String> jump;
    private final Iptables iptables = new Iptables();
    /** What the last sync wrote; null when what is in place is unknown. */
    private PolicyRules.RuleSet applied;
    private boolean jumpChecked;

    public PolicyEnforcer(PodNetworkConfig config) {
        this.chains = PolicyChains.of(config);
        this.forwardChain = config.forwardChain();
        this.jump = List.of("-j", chains.top());
    }

    /** The names of this network's policy chains. */
    public PolicyChains chains() {
        return chains;
    }

    /**
     * Makes the rules those of exactly {@code pods}: each isolated pod of this network, in any order; pods left
     * out are open. Nothing is run when they render as the last sync of this object wrote them.
     *
     * @throws IllegalArgumentException when two entries name the same pod IP (before anything is changed)
     */
    public synchronized void sync(List<PodPolicy> pods) throws IOException {
        PolicyRules.RuleSet next = PolicyRules.render(chains, pods);
        if (next.equals(applied)) {
            return;
        }
        BridgeNetfilter.ensureCallIptables("network policies do not hold between pods of one bridge");
        Set<String> existing = chains.declaredIn(iptables.save("filter"));
        applied = null; // should the restore fail, what is in place is unknown: the next sync writes everything
        iptables.restore("writing the network policies of " + chains.top(), next.restoreInput(existing));
        ensureJump();
        applied = next;
        log.debug("network policies of {}: {} chains, {} stale ones deleted", chains.top(), next.chains().size(),
                existing.stream().filter(chain -> !next.chains().containsKey(chain)).count());
    }

    /** As {@link #sync}, writing everything even when nothing changed: repairs rules something else touched. */
    public synchronized void resync(List<PodPolicy> pods) throws IOException {
        applied = null;
        jumpChecked = false;
        sync(pods);
    }

    /** Removes the jump to the top chain, the top chain and every other policy chain of this network. */
    public synchronized void remove() throws IOException {
        applied = null;
        jumpChecked = false;
        iptables.deleteAll("filter", forwardChain, jump);
        String input = PolicyRules.removal(chains.declaredIn(iptables.save("filter")));
        if (!input.isEmpty()) {
            iptables.restore("removing the network policies of " + chains.top(), input);
        }
    }

    /**
     * The forward chain jumps to the top chain from the moment it is made; this puts the jump back after a
     * {@link #remove} while the forward chain stayed. A missing forward chain gets it when it is made.
     */
    private void ensureJump() throws IOException {
        if (!jumpChecked && iptables.exists("filter", forwardChain)) {
            iptables.ensureFirst("filter", forwardChain, jump);
            jumpChecked = true;
        }
    }
}
