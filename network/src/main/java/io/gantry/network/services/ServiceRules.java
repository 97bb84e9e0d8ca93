package io.gantry.network.services;

import io.gantry.network.PortMapping;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders the node's service rules as one {@code iptables-restore --noflush} input, in the shape of kube-proxy's
 * iptables mode:
 * <ul>
 *   <li>nat {@code GANTRY-SERVICES} (from PREROUTING and OUTPUT) sends each cluster IP and port to the service
 *       port's {@code GANTRY-SVC-} chain, and node addresses to {@code GANTRY-NODEPORTS};</li>
 *   <li>a {@code GANTRY-SVC-} chain picks an endpoint at random, each with equal chance (the i-th of n taken with
 *       probability 1/(n-i)), or the one a client last used under ClientIP affinity;</li>
 *   <li>a {@code GANTRY-SEP-} chain DNATs to the endpoint;</li>
 *   <li>a LoadBalancer service's port is also taken on the node's addresses (loopback aside), as the built-in
 *       load balancer, the way k3s' ServiceLB exposes them;</li>
 *   <li>packets that must come back through this node are marked and masqueraded on the way out: from outside the
 *       pod range to a cluster IP, to a node port, and from an endpoint to its own service (hairpin);</li>
 *   <li>filter {@code GANTRY-SERVICES} rejects new connections to a service port without ready endpoints at once.</li>
 * </ul>
 * Every chain of its own is declared, which flushes it; chains of service ports gone since the last sync are
 * deleted. Built-in chains are left to {@link ServiceProxier}, which jumps from them once.
 */
public final class ServiceRules {
    static final String SERVICES = "GANTRY-SERVICES";
    static final String NODE_PORTS = "GANTRY-NODEPORTS";
    static final String POSTROUTING = "GANTRY-POSTROUTING";
    static final String MARK_MASQ = "GANTRY-MARK-MASQ";
    static final String MASQ_MARK = "0x4000";
    private static final String LOOPBACK = "127.0.0.0/8";
    private static final List<String> PER_PORT_PREFIXES = List.of("GANTRY-SVC-", "GANTRY-SEP-", "GANTRY-EXT-");

    private ServiceRules() {
    }

    /**
     * @param ports          every service port the node serves
     * @param podCidr        the pods' range: connections from elsewhere to a cluster IP are masqueraded
     * @param existingChains the nat chains there now, to delete those of service ports that are gone
     */
    public static String render(List<ServicePort> ports, String podCidr, Set<String> existingChains) {
        return rules(ports, podCidr, Optional.empty()).restoreInput(Optional.empty(), existingChains);
    }

    /** The rules for {@code ports}, by chain, to be written whole or as the difference to what is there. */
    public static RuleSet rules(List<ServicePort> ports, String podCidr, Optional<LocalDns> dns) {
        List<String> filter = new ArrayList<>();
        List<String> nat = new ArrayList<>();
        Set<String> chains = new LinkedHashSet<>(List.of(SERVICES, NODE_PORTS, POSTROUTING, MARK_MASQ));

        nat.add("-A " + POSTROUTING + " -m mark ! --mark " + MASQ_MARK + "/" + MASQ_MARK + " -j RETURN");
        // clear the mark: a packet that is masqueraded here and comes back must not be masqueraded twice
        nat.add("-A " + POSTROUTING + " -j MARK --xor-mark " + MASQ_MARK);
        nat.add("-A " + POSTROUTING + " -m comment --comment \"gantry: service traffic that needs SNAT\" -j MASQUERADE");
        nat.add("-A " + MARK_MASQ + " -j MARK --or-mark " + MASQ_MARK);

        dns.ifPresent(local -> {
            for (String protocol : List.of("udp", "tcp")) {
                nat.add("-A " + SERVICES + " -d " + local.clusterIp() + "/32 -p " + protocol + " -m " + protocol
                        + " --dport 53" + comment("cluster DNS, answered on this node") + " -j DNAT --to-destination "
                        + local.address() + ":" + local.port());
            }
        });
        for (ServicePort port : ports) {
            String protocol = port.protocol().name().toLowerCase(Locale.ROOT);
            String match = "-p " + protocol + " -m " + protocol;
            if (port.endpoints().isEmpty()) {
                // a TCP client is refused with a reset: an ICMP answer to a forwarded SYN was not taken as a refusal
                String reject = " -j REJECT --reject-with "
                        + (port.protocol() == PortMapping.Protocol.TCP ? "tcp-reset" : "icmp-port-unreachable");
                port.clusterIp().ifPresent(ip -> filter.add("-A " + SERVICES + " -d " + ip + "/32 " + match + " --dport "
                        + port.port() + comment(port.name() + " has no endpoints") + reject));
                if (port.nodePort() > 0) {
                    filter.add("-A " + SERVICES + " -m addrtype --dst-type LOCAL " + match + " --dport "
                            + port.nodePort() + comment(port.name() + " has no endpoints") + reject);
                }
                if (port.loadBalancer()) {
                    filter.add("-A " + SERVICES + " ! -d " + LOOPBACK + " -m addrtype --dst-type LOCAL " + match
                            + " --dport " + port.port() + comment(port.name() + " has no endpoints") + reject);
                }
                continue;
            }
            String svc = chain("GANTRY-SVC-", port.name() + "/" + protocol);
            chains.add(svc);
            port.clusterIp().ifPresent(ip -> {
                nat.add("-A " + SERVICES + " -d " + ip + "/32 " + match + " --dport " + port.port()
                        + comment(port.name() + " cluster IP") + " -j " + svc);
                nat.add("-A " + svc + " ! -s " + podCidr + " -d " + ip + "/32 " + match + " --dport " + port.port()
                        + comment(port.name() + " cluster IP") + " -j " + MARK_MASQ);
            });
            if (port.nodePort() > 0 || port.loadBalancer()) {
                String ext = chain("GANTRY-EXT-", port.name() + "/" + protocol);
                chains.add(ext);
                if (port.nodePort() > 0) {
                    nat.add("-A " + NODE_PORTS + " " + match + " --dport " + port.nodePort()
                            + comment(port.name() + " node port") + " -j " + ext);
                }
                if (port.loadBalancer()) {
                    // loopback is left alone: a DNAT of it would need route_localnet, and would take the port
                    // from the host's own local services
                    nat.add("-A " + NODE_PORTS + " ! -d " + LOOPBACK + " " + match + " --dport " + port.port()
                            + comment(port.name() + " load balancer") + " -j " + ext);
                }
                nat.add("-A " + ext + " -j " + MARK_MASQ);
                nat.add("-A " + ext + " -j " + svc);
            }
            List<String> endpointChains = new ArrayList<>();
            for (ServicePort.Endpoint endpoint : port.endpoints()) {
                endpointChains.add(chain("GANTRY-SEP-", port.name() + "/" + protocol + "/" + endpoint.ip() + ":"
                        + endpoint.port()));
            }
            if (port.clientAffinity()) {
                for (String sep : endpointChains) {
                    nat.add("-A " + svc + comment(port.name()) + " -m recent --name " + sep + " --mask 255.255.255.255"
                            + " --rsource --rcheck --seconds " + port.affinitySeconds() + " --reap -j " + sep);
                }
            }
            int n = endpointChains.size();
            for (int i = 0; i < n; i++) {
                String pick = i < n - 1
                        ? " -m statistic --mode random --probability " + String.format(Locale.ROOT, "%.10f", 1.0 / (n - i))
                        : "";
                nat.add("-A " + svc + comment(port.name() + " -> " + port.endpoints().get(i).ip()) + pick + " -j "
                        + endpointChains.get(i));
            }
            for (int i = 0; i < n; i++) {
                ServicePort.Endpoint endpoint = port.endpoints().get(i);
                String sep = endpointChains.get(i);
                chains.add(sep);
                nat.add("-A " + sep + " -s " + endpoint.ip() + "/32" + comment(port.name()) + " -j " + MARK_MASQ);
                String affinity = port.clientAffinity()
                        ? " -m recent --name " + sep + " --mask 255.255.255.255 --rsource --set" : "";
                nat.add("-A " + sep + comment(port.name()) + affinity + " " + match + " -j DNAT --to-destination "
                        + endpoint.ip() + ":" + endpoint.port());
            }
        }
        // last: whatever is addressed to this node itself may be a node port
        nat.add("-A " + SERVICES + " -m addrtype --dst-type LOCAL -m comment --comment \"gantry: node ports\" -j "
                + NODE_PORTS);

        Map<String, List<String>> byChain = new LinkedHashMap<>();
        chains.forEach(chain -> byChain.put(chain, new ArrayList<>()));
        for (String rule : nat) {
            byChain.get(rule.substring(3, rule.indexOf(' ', 3))).add(rule);
        }
        return new RuleSet(byChain, filter);
    }

    /**
     * A node's service rules: nat rules by chain (every chain of this class, in order) and the rules of the
     * filter chain.
     */
    public record RuleSet(Map<String, List<String>> nat, List<String> filter) {

        /**
         * The iptables-restore input that makes these rules: everything when there is no {@code previous} (then
         * the service chains in {@code existing} that are not part of it are deleted), otherwise only the chains
         * that changed since {@code previous}, new ones, and the deletion of those gone; empty when nothing did.
         * A chain written is declared, which flushes it.
         */
        public String restoreInput(Optional<RuleSet> previous, Set<String> existing) {
            Map<String, List<String>> before = previous.map(RuleSet::nat).orElse(Map.of());
            List<String> write = nat.keySet().stream()
                    .filter(chain -> previous.isEmpty() || !nat.get(chain).equals(before.get(chain)))
                    .toList();
            Set<String> gone = new java.util.TreeSet<>(previous.isEmpty() ? existing : before.keySet());
            gone.removeIf(chain -> !isServiceChain(chain) || nat.containsKey(chain));
            boolean filterChanged = previous.isEmpty() || !filter.equals(previous.get().filter());
            if (write.isEmpty() && gone.isEmpty() && !filterChanged) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            if (filterChanged) {
                out.append("*filter\n:").append(SERVICES).append(" - [0:0]\n");
                filter.forEach(rule -> out.append(rule).append('\n'));
                out.append("COMMIT\n");
            }
            out.append("*nat\n");
            write.forEach(chain -> out.append(':').append(chain).append(" - [0:0]\n"));
            // a chain that is gone is declared (flushed) first, so that no rule of another one still jumps to it
            gone.forEach(chain -> out.append(':').append(chain).append(" - [0:0]\n"));
            write.forEach(chain -> nat.get(chain).forEach(rule -> out.append(rule).append('\n')));
            gone.forEach(chain -> out.append("-X ").append(chain).append('\n'));
            out.append("COMMIT\n");
            return out.toString();
        }
    }

    /** The cluster DNS address, and where this node's DNS server listens for it. */
    public record LocalDns(String clusterIp, String address, int port) {
    }

    /** Whether {@code chain} is one of the per-service-port chains this class makes. */
    static boolean isServiceChain(String chain) {
        return PER_PORT_PREFIXES.stream().anyMatch(chain::startsWith);
    }

    private static String comment(String text) {
        return " -m comment --comment \"" + text.replace("\"", "'") + "\"";
    }

    /** A chain name of at most 28 characters, the same for the same key on every node and every sync. */
    static String chain(String prefix, String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            StringBuilder name = new StringBuilder(prefix);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; // base32
            for (int i = 0; name.length() < prefix.length() + 16; i++) {
                name.append(alphabet.charAt((hash[i] & 0xFF) % 32));
            }
            return name.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
