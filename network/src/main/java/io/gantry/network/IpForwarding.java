package io.gantry.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the node routes IPv4 packets: pods on the bridge only reach anything beyond the node (and, with
 * masquerading, the rest of the cluster) when the host forwards between interfaces.
 */
final class IpForwarding {

    static final Path IPV4_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    private static final Logger log = LoggerFactory.getLogger(IpForwarding.class);

    private final Path sysctl;

    IpForwarding(Path sysctl) {
        this.sysctl = sysctl;
    }

    /** @return whether forwarding had to be switched on */
    synchronized boolean ensureEnabled() throws IOException {
        if (Files.readString(sysctl).strip().equals("1")) {
            return false;
        }
        Files.writeString(sysctl, "1\n");
        log.info("enabled IPv4 forwarding ({} = 1) so pods can reach beyond this node", sysctl);
        return true;
    }
}
