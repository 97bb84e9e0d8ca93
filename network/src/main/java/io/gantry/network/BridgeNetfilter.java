package io.gantry.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has traffic bridged between two pods of one bridge pass iptables ({@code bridge-nf-call-iptables = 1}): without
 * it, that traffic never reaches FORWARD or the nat hooks, so neither the service rules nor network policies see
 * it. The setting is the br_netfilter module's and applies to every bridge of the host.
 */
public final class BridgeNetfilter {
    static final Path CALL_IPTABLES = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");

    private static final Logger log = LoggerFactory.getLogger(BridgeNetfilter.class);

    private BridgeNetfilter() {
    }

    /**
     * Switches the setting on when it is off; only warns when br_netfilter is not loaded (there is no setting
     * then, and loading modules is the host's business).
     *
     * @param needs what goes wrong without it, for the log: "pods reaching ... will ..."
     * @return whether bridged traffic passes iptables now
     */
    public static synchronized boolean ensureCallIptables(String needs) throws IOException {
        if (!Files.exists(CALL_IPTABLES)) {
            log.warn("{} is missing (load the br_netfilter module): {}", CALL_IPTABLES, needs);
            return false;
        }
        if (!Files.readString(CALL_IPTABLES).strip().equals("1")) {
            Files.writeString(CALL_IPTABLES, "1\n");
            log.info("set {} = 1 so that traffic between pods of one bridge passes iptables", CALL_IPTABLES);
        }
        return true;
    }
}
