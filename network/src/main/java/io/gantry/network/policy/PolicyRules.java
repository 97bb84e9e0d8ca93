package io.gantry.network.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders a node network's network policies as one {@code iptables-restore --noflush} input for the filter table:
 * <ul>
 *   <li>the top chain ({@link PolicyChains#top()}) lets replies of connections already allowed through, then sends
 *       what each egress-isolated pod sends to its egress chain and, after all of those, what goes to each
 *       ingress-isolated pod to its ingress chain: traffic between two pods of the node passes the sender's
 *       egress and the receiver's ingress;</li>
 *   <li>a pod's chain clears {@link #ALLOWED}, sets it for each peer and port a rule allows, drops the packet
 *       when nothing set it, and clears it again for whatever comes after;</li>
 *   <li>an ipBlock with exceptions jumps to a chain of its own that returns for each exception and sets the
 *       mark otherwise (identical blocks share one).</li>
 * </ul>
 * Nothing here accepts: a packet that passes returns to the forward chain, which accepts the pods' traffic; a
 * pod no policy isolates is never matched. The output does not depend on the order of pods or rules, so an
 * unchanged policy renders the same text.
 */
public final class PolicyRules {
    /** The mark bit that says "a rule allows this packet"; kube-proxy's bits are 0x4000 and 0x8000. */
    static final String ALLOWED = "0x10000/0x10000";
    private static final String SET_ALLOWED = "-j MARK --set-xmark " + ALLOWED;
    private static final String CLEAR_ALLOWED = "-j MARK --set-xmark 0x0/0x10000";

    private PolicyRules() {
    }

    /**
     * @throws IllegalArgumentException when two entries have the same pod IP
     */
    public static RuleSet render(PolicyChains names, List<PodPolicy> pods) {
        List<PodPolicy> sorted = new ArrayList<>(pods);
        sorted.sort(Comparator.comparingLong(pod -> Integer.toUnsignedLong(Ipv4Cidr.address(pod.podIp(), "pod IP"))));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).podIp().equals(sorted.get(i - 1).podIp())) {
                throw new IllegalArgumentException("pod IP " + sorted.get(i).podIp() + " has two policy entries");
            }
        }
        ExceptBlocks blocks = new ExceptBlocks(names, sorted);

        Map<String, List<String>> chains = new LinkedHashMap<>();
        List<String> top = new ArrayList<>();
        // RETURN, not ACCEPT: every forwarded packet of the host passes this chain, and what is not the pods' is
        // for the host's other rules to judge; the forward chain accepts the pods' own
        top.add("-A " + names.top() + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
        chains.put(names.top(), top);
        for (PodPolicy pod : sorted) {
            pod.egress().ifPresent(rules -> {
                String chain = names.egress(pod.podIp());
                top.add("-A " + names.top() + " -s " + pod.podIp() + "/32 -j " + chain);
                chains.put(chain, podChain(chain, Direction.EGRESS, rules, blocks));
            });
        }
        for (PodPolicy pod : sorted) {
            pod.ingress().ifPresent(rules -> {
                String chain = names.ingress(pod.podIp());
                top.add("-A " + names.top() + " -d " + pod.podIp() + "/32 -j " + chain);
                chains.put(chain, podChain(chain, Direction.INGRESS, rules, blocks));
            });
        }
        chains.putAll(blocks.chains());
        return new RuleSet(chains);
    }

    /** The restore input that deletes {@code chains}: all flushed first, in one run, as they may jump to each other. */
    public static String removal(Set<String> chains) {
        if (chains.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("*filter\n");
        chains.forEach(chain -> out.append(':').append(chain).append(" - [0:0]\n"));
        chains.forEach(chain -> out.append("-X ").append(chain).append('\n'));
        return out.append("COMMIT\n").toString();
    }

    private static List<String> podChain(String chain, Direction direction, List<PolicyRule> rules,
                                         ExceptBlocks blocks) {
        // the order of the allowing rules does not matter (each only sets the mark): sorted, they render the same
        // whatever order the policies came in
        TreeSet<String> allow = new TreeSet<>();
        for (PolicyRule rule : rules) {
            List<IpBlock> peers = rule.peers().isEmpty() ? List.of(IpBlock.of("0.0.0.0/0")) : rule.peers();
            List<String> ports = rule.ports().isEmpty() ? List.of("")
                    : rule.ports().stream().map(PolicyRules::portMatch).toList();
            for (IpBlock peer : peers) {
                String target = peer.except().isEmpty() ? SET_ALLOWED : "-j " + blocks.chain(direction, peer);
                for (String port : ports) {
                    allow.add("-A " + chain + direction.match(peer.cidr()) + port + " " + target);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("-A " + chain + " " + CLEAR_ALLOWED);
        lines.addAll(allow);
        lines.add("-A " + chain + " -m mark ! --mark " + ALLOWED + " -j DROP");
        lines.add("-A " + chain + " " + CLEAR_ALLOWED);
        return lines;
    }

    /** {@code -p tcp -m tcp --dport 80}, in the form iptables-save prints back. */
    private static String portMatch(PolicyPort port) {
        String protocol = port.protocol().name().toLowerCase(Locale.ROOT);
        if (port.port() == 0) {
            return " -p " + protocol;
        }
        return " -p " + protocol + " -m " + protocol + " --dport " + port.port()
                + (port.isRange() ? ":" + port.endPort() : "");
    }

    /** Which address of a packet a rule's peers are: the source of what comes in, the destination of what goes out. */
    enum Direction {
        INGRESS("-s"), EGRESS("-d");

        private final String option;

        Direction(String option) {
            this.option = option;
        }

        /** The address match, left out for every address as iptables-save leaves out 0.0.0.0/0. */
        String match(String cidr) {
            return cidr.equals("0.0.0.0/0") ? "" : " " + option + " " + cidr;
        }
    }

    /**
     * The chains of the ipBlocks with exceptions, one per distinct direction, range and set of exceptions,
     * numbered in sorted order so that the numbers do not depend on the order pods and rules came in.
     */
    private static final class ExceptBlocks {
        private final Map<String, String> chainByKey = new TreeMap<>();
        private final Map<String, List<String>> chains = new LinkedHashMap<>();

        ExceptBlocks(PolicyChains names, List<PodPolicy> pods) {
            Map<String, List<String>> rulesByKey = new TreeMap<>();
            for (PodPolicy pod : pods) {
                collect(rulesByKey, Direction.INGRESS, pod.ingress().orElse(List.of()));
                collect(rulesByKey, Direction.EGRESS, pod.egress().orElse(List.of()));
            }
            int n = 0;
            for (Map.Entry<String, List<String>> entry : rulesByKey.entrySet()) {
                String chain = names.exceptBlock(++n);
                chainByKey.put(entry.getKey(), chain);
                chains.put(chain, entry.getValue().stream().map(rule -> "-A " + chain + rule).toList());
            }
        }

        String chain(Direction direction, IpBlock block) {
            return chainByKey.get(key(direction, block));
        }

        Map<String, List<String>> chains() {
            return chains;
        }

        private static void collect(Map<String, List<String>> rulesByKey, Direction direction,
                                    List<PolicyRule> rules) {
            for (PolicyRule rule : rules) {
                for (IpBlock peer : rule.peers()) {
                    if (!peer.except().isEmpty()) {
                        rulesByKey.computeIfAbsent(key(direction, peer), key -> {
                            List<String> lines = new ArrayList<>();
                            new TreeSet<>(peer.except()).forEach(except ->
                                    lines.add(direction.match(except) + " -j RETURN"));
                            lines.add(" " + SET_ALLOWED);
                            return lines;
                        });
                    }
                }
            }
        }

        private static String key(Direction direction, IpBlock block) {
            return direction + " " + block.cidr() + " except " + new TreeSet<>(block.except());
        }
    }

    /**
     * A network's policy chains and their rules, the top chain first.
     *
     * @param chains every chain's {@code -A} lines, by name, in the order they are written
     */
    public record RuleSet(Map<String, List<String>> chains) {

        public RuleSet {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            chains.forEach((chain, rules) -> copy.put(chain, List.copyOf(rules)));
            chains = Collections.unmodifiableMap(copy);
        }

        /**
         * The restore input that makes exactly these chains and deletes the ones in {@code existing} that are
         * not among them. Each chain is declared, which flushes it; a stale one is flushed before it is deleted,
         * in the same run, so nothing jumps to it any more by then (only chains of this set jumped to it).
         */
        public String restoreInput(Set<String> existing) {
            TreeSet<String> stale = new TreeSet<>(existing);
            stale.removeAll(chains.keySet());
            StringBuilder out = new StringBuilder("*filter\n");
            chains.keySet().forEach(chain -> out.append(':').append(chain).append(" - [0:0]\n"));
            stale.forEach(chain -> out.append(':').append(chain).append(" - [0:0]\n"));
            chains.values().forEach(rules -> rules.forEach(rule -> out.append(rule).append('\n')));
            stale.forEach(chain -> out.append("-X ").append(chain).append('\n'));
            return out.append("COMMIT\n").toString();
        }
    }
}
