package io.gantry.network.policy;

import java.util.List;

/**
 * One {@code ingress} or {@code egress} entry of a NetworkPolicy: traffic from (ingress) or to (egress) any of
 * {@code peers} on any of {@code ports} is allowed.
 *
 * @param peers the addresses allowed; empty for any address
 * @param ports the ports allowed; empty for every port of every protocol
 */
public record PolicyRule(List<IpBlock> peers, List<PolicyPort> ports) {

    public PolicyRule {
        peers = List.copyOf(peers);
        ports = List.copyOf(ports);
    }
}
