package io.gantry.network;

import io.gantry.network.exec.HostExecutables;
import io.gantry.network.exec.ProcessResult;
import io.gantry.network.exec.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Masquerades traffic from the node's pods to anything outside the pod CIDR with one chain per node network,
 * {@code GANTRY-MASQ-<bridge>}, jumped to from nat POSTROUTING for the pod CIDR as source.
 *
 * <p>The bridge plugin's own {@code ipMasq} makes a chain per pod: about ten iptables runs to attach a pod and
 * five to detach it, which were most of a pod's start-up cost on a busy node. The node-wide chain is what
 * kubenet and flannel do instead. It is installed once and outlives the agent, as the pods it serves do.
 */
final class PodMasquerade {

    private static final Logger log = LoggerFactory.getLogger(PodMasquerade.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String MULTICAST = "224.0.0.0/4";

    private final String chain;
    private final String podCidr;
    private final String comment;
    private final ProcessRunner runner = new ProcessRunner(TIMEOUT);
    private boolean installed;

    PodMasquerade(PodNetworkConfig config) {
        this.chain = config.masqueradeChain();
        this.podCidr = config.podCidr();
        this.comment = "gantry: masquerade pods of " + config.bridgeName();
    }

    /** Installs the chain and its jump unless this object already did; rewrites the chain's rules either way. */
    synchronized void ensureInstalled() throws IOException {
        if (installed) {
            return;
        }
        // --noflush keeps every other rule; declaring the chain flushes just it, so a re-run replaces its rules
        String rules = String.join("\n",
                "*nat",
                ":" + chain + " - [0:0]",
                "-A " + chain + " -d " + podCidr + " -j RETURN",
                "-A " + chain + " -d " + MULTICAST + " -j RETURN",
                "-A " + chain + " -j MASQUERADE",
                "COMMIT", "");
        require(runner.run(List.of(tool("iptables-restore"), "-w", "5", "--noflush"), env -> { },
                rules.getBytes(StandardCharsets.UTF_8)), "writing chain " + chain);
        if (!run(jump("-C")).succeeded()) {
            require(run(jump("-A")), "adding the jump to " + chain);
        }
        installed = true;
        log.info("pods of {} reach beyond it masqueraded (nat chain {})", podCidr, chain);
    }

    /** Removes the jump and the chain; nothing happens when they are not there. */
    synchronized void remove() throws IOException {
        while (run(jump("-C")).succeeded()) {
            require(run(jump("-D")), "removing the jump to " + chain);
        }
        if (run(iptables("-S", chain)).succeeded()) {
            require(run(iptables("-F", chain)), "flushing chain " + chain);
            require(run(iptables("-X", chain)), "removing chain " + chain);
        }
        installed = false;
    }

    private List<String> jump(String operation) throws IOException {
        return iptables(operation, "POSTROUTING", "-s", podCidr, "-m", "comment", "--comment", comment, "-j", chain);
    }

    private List<String> iptables(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(tool("iptables"), "-w", "5", "-t", "nat"));
        command.addAll(List.of(arguments));
        return command;
    }

    private ProcessResult run(List<String> command) throws IOException {
        return runner.run(command, env -> { }, new byte[0]);
    }

    private static String tool(String name) throws IOException {
        return HostExecutables.fromEnvironment().require(name, "iptables").toString();
    }

    private static void require(ProcessResult result, String what) throws IOException {
        if (!result.succeeded()) {
            throw new IOException(what + " failed: " + String.join(" ", result.command()) + " exited "
                    + result.exitCode() + ": " + result.stderr().strip());
        }
    }
}
