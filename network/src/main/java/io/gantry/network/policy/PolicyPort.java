package io.gantry.network.policy;

import io.gantry.network.PortMapping;
import java.util.Objects;

/**
 * A port (or range of ports) a rule allows, named ports already resolved to numbers.
 *
 * @param protocol TCP, UDP or SCTP
 * @param port     the port, or 0 for every port of the protocol
 * @param endPort  the last port of a range from {@code port}; 0 or {@code port} itself for a single port
 */
public record PolicyPort(PortMapping.Protocol protocol, int port, int endPort) {

    public PolicyPort {
        Objects.requireNonNull(protocol, "protocol");
        if (port < 0 || port > 65535 || endPort < 0 || endPort > 65535) {
            throw new IllegalArgumentException("port " + port + " or end port " + endPort + " is outside 0..65535");
        }
        if (port == 0 && endPort != 0) {
            throw new IllegalArgumentException("end port " + endPort + " needs a port to start the range from");
        }
        if (endPort != 0 && endPort < port) {
            throw new IllegalArgumentException("end port " + endPort + " is below port " + port);
        }
    }

    /** One TCP port. */
    public static PolicyPort tcp(int port) {
        return new PolicyPort(PortMapping.Protocol.TCP, port, 0);
    }

    /** Whether this is a range of more than one port. */
    public boolean isRange() {
        return endPort != 0 && endPort != port;
    }
}
