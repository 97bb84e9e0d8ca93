package io.gantry.network.services;

import io.gantry.network.PortMapping;
import io.gantry.network.exec.Conntrack.FlowFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The UDP flows a service change leaves pointing the wrong way, as kube-proxy clears them: UDP has no connection
 * to end, so a client that keeps sending (a DNS resolver, say) would go on reaching a removed endpoint, or go on
 * being refused by a service that has endpoints now, for as long as its flow stays in the conntrack table.
 * <ul>
 *   <li>an endpoint removed from a service port: the flows to its cluster IP and node port answered by it;</li>
 *   <li>a service port that had no endpoints (or was not there) and has some now: every flow to its cluster IP and
 *       node port.</li>
 * </ul>
 */
public final class StaleUdpFlows {
    private StaleUdpFlows() {
    }

    public static List<FlowFilter> between(List<ServicePort> before, List<ServicePort> after) {
        Map<String, ServicePort> previous = new HashMap<>();
        before.stream().filter(StaleUdpFlows::isUdp).forEach(p -> previous.put(p.name(), p));
        Set<FlowFilter> stale = new LinkedHashSet<>();
        for (ServicePort now : after) {
            if (!isUdp(now)) {
                continue;
            }
            // a port new to this proxy counts as one that had no endpoints: its flows were refused, or untracked
            ServicePort known = previous.remove(now.name());
            ServicePort then = known != null ? known : new ServicePort(now.name(), now.clusterIp(), now.port(),
                    now.protocol(), now.nodePort(), now.loadBalancer(), now.clientAffinity(), now.affinitySeconds(),
                    List.of());
            if (then.endpoints().isEmpty() && !now.endpoints().isEmpty()) {
                addressesOf(now).forEach(address -> stale.add(new FlowFilter(address, now.port(), null)));
                if (now.nodePort() > 0) {
                    stale.add(new FlowFilter(null, now.nodePort(), null));
                }
            }
            removedEndpoints(then, now).forEach(endpoint -> flowsTo(then, endpoint, stale));
        }
        // a service port gone altogether: its flows answered by any of its endpoints
        previous.values().forEach(gone -> gone.endpoints().forEach(endpoint -> flowsTo(gone, endpoint.ip(), stale)));
        return List.copyOf(stale);
    }

    private static void flowsTo(ServicePort port, String endpoint, Set<FlowFilter> stale) {
        addressesOf(port).forEach(address -> stale.add(new FlowFilter(address, port.port(), endpoint)));
        if (port.nodePort() > 0) {
            stale.add(new FlowFilter(null, port.nodePort(), endpoint));
        }
    }

    private static Set<String> removedEndpoints(ServicePort then, ServicePort now) {
        Set<String> removed = new LinkedHashSet<>();
        then.endpoints().forEach(e -> removed.add(e.ip()));
        now.endpoints().forEach(e -> removed.remove(e.ip()));
        return removed;
    }

    private static List<String> addressesOf(ServicePort port) {
        List<String> out = new ArrayList<>();
        port.clusterIp().ifPresent(out::add);
        return out;
    }

    private static boolean isUdp(ServicePort port) {
        return port.protocol() == PortMapping.Protocol.UDP;
    }
}
