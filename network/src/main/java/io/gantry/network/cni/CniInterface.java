package io.gantry.network.cni;

import java.util.Optional;

/**
 * An interface a plugin created or reports.
 *
 * @param sandbox the network namespace path for interfaces inside the container; empty for host-side ones
 *                (the bridge, the host end of a veth)
 */
public record CniInterface(String name, Optional<String> mac, Optional<String> sandbox) {

    public boolean inSandbox() {
        return sandbox.isPresent();
    }
}
