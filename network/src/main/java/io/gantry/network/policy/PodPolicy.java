package io.gantry.network.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the network policies that select one pod of this node allow, per direction, the union of all of them
 * (policies only ever add to what is allowed).
 *
 * @param podIp   the pod's IPv4 address
 * @param ingress empty when no policy isolates the pod for ingress (everything may reach it); otherwise the
 *                rules that let traffic in, none at all meaning nothing may
 * @param egress  the same for traffic the pod sends
 */
public record PodPolicy(String podIp, Optional<List<PolicyRule>> ingress, Optional<List<PolicyRule>> egress) {

    public PodPolicy {
        podIp = Ipv4Cidr.format(Ipv4Cidr.address(podIp, "pod IP"));
        Objects.requireNonNull(ingress, "ingress");
        Objects.requireNonNull(egress, "egress");
        ingress = ingress.map(List::copyOf);
        egress = egress.map(List::copyOf);
    }
}
