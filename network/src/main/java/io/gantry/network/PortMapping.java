package io.gantry.network;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A host port forwarded to a port of the pod (a container's {@code hostPort}), delivered to the portmap plugin as
 * its {@code portMappings} capability.
 *
 * @param hostIp the host address to listen on; empty for all of them
 */
public record PortMapping(int hostPort, int containerPort, Protocol protocol, Optional<String> hostIp) {

    public enum Protocol {
        TCP, UDP, SCTP;

        /** The spelling the CNI portMappings convention uses. */
        public String cniName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PortMapping {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostIp, "hostIp");
        requirePort(hostPort, "host");
        requirePort(containerPort, "container");
    }

    public static PortMapping tcp(int hostPort, int containerPort) {
        return new PortMapping(hostPort, containerPort, Protocol.TCP, Optional.empty());
    }

    private static void requirePort(int port, String which) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(which + " port " + port + " is outside 1..65535");
        }
    }
}
