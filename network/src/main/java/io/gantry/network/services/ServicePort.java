package io.gantry.network.services;

import io.gantry.network.PortMapping;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One port of one Service, with what the node needs to send its connections on.
 *
 * @param name            {@code namespace/service:port}, for comments and chain names
 * @param clusterIp       the virtual address; empty for a service without one (headless, node port only)
 * @param port            the port on the cluster IP
 * @param protocol        TCP, UDP or SCTP
 * @param nodePort        the port on every node address; 0 for none
 * @param loadBalancer    the service port itself is also served on every node address but loopback, as the
 *                        built-in load balancer of {@code type: LoadBalancer} services does
 * @param clientAffinity  connections from one client address go to the same endpoint (sessionAffinity ClientIP)
 *                        for {@code affinitySeconds} after the last one
 * @param affinitySeconds the affinity's timeout
 * @param endpoints       the ready endpoints, in a stable order
 */
public record ServicePort(String name, Optional<String> clusterIp, int port, PortMapping.Protocol protocol,
                          int nodePort, boolean loadBalancer, boolean clientAffinity, int affinitySeconds, List<Endpoint> endpoints) {

    /** An endpoint's address and the port the service port maps to on it. */
    public record Endpoint(String ip, int port) {
        public Endpoint {
            Objects.requireNonNull(ip, "ip");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("endpoint port " + port + " is outside 1..65535");
            }
        }
    }

    public ServicePort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clusterIp, "clusterIp");
        Objects.requireNonNull(protocol, "protocol");
        endpoints = List.copyOf(endpoints);
        if (nodePort < 0 || nodePort > 65535) {
            throw new IllegalArgumentException("node port " + nodePort + " is outside 0..65535");
        }
    }
}
