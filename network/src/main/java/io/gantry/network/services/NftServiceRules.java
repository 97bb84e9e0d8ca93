package io.gantry.network.services;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the node's service rules as {@code nft -f} input for one {@code ip} table of their own, in the shape of
 * kube-proxy's nftables mode: the rules grow with the number of service ports, not with their endpoints (but for
 * ClientIP affinity, which takes a chain and a set per endpoint).
 * <ul>
 *   <li>base chains {@code nat-prerouting} and {@code nat-output} jump to {@code services}, which sends a cluster
 *       IP, protocol and port through the verdict map {@code service-ips} to the service port's {@code svc-}
 *       chain, and node addresses ({@code fib daddr type local}) through {@code service-nodeports} (a node port,
 *       any local address) and {@code service-lb-ports} (a LoadBalancer's port, local addresses but
 *       127.0.0.0/8, as {@link ServiceRules} does) to its {@code ext-} chain, which marks the connection for
 *       masquerading and goes on to the {@code svc-} chain;</li>
 *   <li>a {@code svc-} chain marks what must come back through the node when it comes from outside the pod range
 *       to the cluster IP, and DNATs to one endpoint picked by {@code numgen random mod N}, each with equal
 *       chance; under ClientIP affinity it sends a client found in an endpoint's {@code aff-} set (a set with a
 *       timeout) to that endpoint's {@code ep-} chain, which refreshes the client in the set and DNATs;</li>
 *   <li>{@code nat-postrouting} marks a DNATed connection from an endpoint to itself (hairpin: the set
 *       {@code hairpin-endpoints} holds {@code E . E} for every endpoint E) and masquerades what was marked (mark
 *       bit 0x4000, as the iptables rules use);</li>
 *   <li>{@code filter-input}, {@code filter-forward} and {@code filter-output} reject new connections to a
 *       service port without ready endpoints (sets {@code no-endpoint-*}): a TCP reset for TCP, ICMP port
 *       unreachable otherwise.</li>
 * </ul>
 * A {@link RuleSet} holds every chain with its rules, every affinity set and every map and set element, so that
 * an update can write only the chains and elements that changed ({@link RuleSet#updateInput}) while a full write
 * ({@link RuleSet#fullInput}) rewrites all of them and deletes whatever else the table holds.
 */
public final class NftServiceRules {
    /** Table names start with this; {@link #tableName} adds the pod range. */
    public static final String TABLE_PREFIX = "gantry-svc";

    /** What lists the objects of every {@code ip} table, quickly: no rules, no set elements (run with -t). */
    public static final String LIST_OBJECTS = "list chains ip\nlist sets ip\nlist maps ip\n";

    static final String SERVICES = "services";
    static final String MARK_MASQ = "mark-for-masquerade";
    static final String MASQUERADING = "masquerading";
    static final String ENDPOINTS_CHECK = "endpoints-check";
    static final String REJECT = "reject-chain";
    static final String SERVICE_IPS = "service-ips";
    static final String NODE_PORTS = "service-nodeports";
    static final String LB_PORTS = "service-lb-ports";
    static final String NO_ENDPOINT_IPS = "no-endpoint-services";
    static final String NO_ENDPOINT_NODE_PORTS = "no-endpoint-nodeports";
    static final String NO_ENDPOINT_LB_PORTS = "no-endpoint-lb-ports";
    static final String HAIRPIN = "hairpin-endpoints";
    static final String MASQ_MARK = "0x4000";
    private static final String LOOPBACK = "127.0.0.0/8";
    private static final String ADDRESS_PORT = "ipv4_addr . inet_proto . inet_service";
    private static final String PORT = "inet_proto . inet_service";

    /** The base chains and what hooks them; nat at the priorities of the iptables nat table. */
    private static final Map<String, String> BASE_CHAINS = orderedMap(
            "nat-prerouting", "type nat hook prerouting priority dstnat; policy accept;",
            "nat-output", "type nat hook output priority -100; policy accept;",
            "nat-postrouting", "type nat hook postrouting priority srcnat; policy accept;",
            // before the iptables filter table (0), so that a DROP policy there cannot turn a refusal into a hang
            "filter-input", "type filter hook input priority filter - 10; policy accept;",
            "filter-forward", "type filter hook forward priority filter - 10; policy accept;",
            "filter-output", "type filter hook output priority filter - 10; policy accept;");

    /** Every map and set of the table but the affinity sets, with the keyword and type that declare it. */
    private static final Map<String, Container> CONTAINERS = containers(
            new Container(SERVICE_IPS, "map", ADDRESS_PORT + " : verdict"),
            new Container(NODE_PORTS, "map", PORT + " : verdict"),
            new Container(LB_PORTS, "map", PORT + " : verdict"),
            new Container(NO_ENDPOINT_IPS, "set", ADDRESS_PORT),
            new Container(NO_ENDPOINT_NODE_PORTS, "set", PORT),
            new Container(NO_ENDPOINT_LB_PORTS, "set", PORT),
            new Container(HAIRPIN, "set", "ipv4_addr . ipv4_addr"));

    private static final Pattern TABLE = Pattern.compile("^table ip (\\S+) \\{\\s*$");
    private static final Pattern DECLARATION = Pattern.compile("^\\t(chain|set|map) (\\S+) \\{\\s*$");

    private NftServiceRules() {
    }

    /**
     * The table of the node network with pod range {@code podCidr}, e.g. {@code gantry-svc-10-244-0-0-24}: one per
     * node network, so that the proxies of two clusters sharing a network namespace leave each other alone.
     */
    public static String tableName(String podCidr) {
        return TABLE_PREFIX + "-" + podCidr.replaceAll("[^0-9A-Za-z]", "-");
    }

    /**
     * The rules for {@code ports}.
     *
     * @param podCidr the pods' range: connections from elsewhere to a cluster IP are masqueraded
     * @param dns     the cluster DNS address, sent to this node's own DNS server
     */
    public static RuleSet rules(List<ServicePort> ports, String podCidr, Optional<ServiceRules.LocalDns> dns) {
        Map<String, List<String>> chains = new LinkedHashMap<>();
        Map<String, Integer> affinitySets = new LinkedHashMap<>();
        Map<String, Map<String, String>> elements = new LinkedHashMap<>();
        CONTAINERS.keySet().forEach(name -> elements.put(name, new LinkedHashMap<>()));

        BASE_CHAINS.keySet().forEach(name -> chains.put(name, new ArrayList<>()));
        chains.get("nat-prerouting").add("jump " + SERVICES);
        chains.get("nat-output").add("jump " + SERVICES);
        // hairpin: an endpoint reaching itself through its service must see the answer come from the node, so
        // the node masquerades it, as iptables' per-endpoint chains do; one set lookup instead of a rule each
        chains.get("nat-postrouting").add("ct status dnat ip saddr . ip daddr @" + HAIRPIN + " jump " + MARK_MASQ);
        chains.get("nat-postrouting").add("jump " + MASQUERADING);
        for (String filter : List.of("filter-input", "filter-forward", "filter-output")) {
            chains.get(filter).add("ct state new jump " + ENDPOINTS_CHECK);
        }
        List<String> services = new ArrayList<>();
        dns.ifPresent(local -> {
            for (String protocol : List.of("udp", "tcp")) {
                services.add("ip daddr " + local.clusterIp() + " " + protocol + " dport 53 dnat ip to "
                        + local.address() + ":" + local.port() + " comment \"cluster DNS, answered on this node\"");
            }
        });
        services.add("ip daddr . meta l4proto . th dport vmap @" + SERVICE_IPS);
        // whatever is addressed to this node itself may be a node port or a load balancer's port
        services.add("fib daddr type local meta l4proto . th dport vmap @" + NODE_PORTS);
        // loopback is left alone: a DNAT of it would need route_localnet, and would take the port from the
        // host's own local services
        services.add("fib daddr type local ip daddr != " + LOOPBACK + " meta l4proto . th dport vmap @" + LB_PORTS);
        chains.put(SERVICES, services);
        chains.put(MARK_MASQ, List.of("meta mark set meta mark | " + MASQ_MARK));
        chains.put(MASQUERADING, List.of(
                "meta mark & " + MASQ_MARK + " == 0 return",
                // clear the mark: a packet that is masqueraded here and comes back must not be masqueraded twice
                "meta mark set meta mark ^ " + MASQ_MARK,
                "masquerade comment \"gantry: service traffic that needs SNAT\""));
        chains.put(ENDPOINTS_CHECK, List.of(
                "ip daddr . meta l4proto . th dport @" + NO_ENDPOINT_IPS + " goto " + REJECT,
                "fib daddr type local meta l4proto . th dport @" + NO_ENDPOINT_NODE_PORTS + " goto " + REJECT,
                "fib daddr type local ip daddr != " + LOOPBACK + " meta l4proto . th dport @" + NO_ENDPOINT_LB_PORTS
                        + " goto " + REJECT));
        // a TCP client is refused with a reset: an ICMP answer to a forwarded SYN was not taken as a refusal
        chains.put(REJECT, List.of("meta l4proto tcp reject with tcp reset",
                "reject with icmp type port-unreachable"));

        for (ServicePort port : ports) {
            String protocol = port.protocol().name().toLowerCase(Locale.ROOT);
            String key = port.name() + "/" + protocol;
            String readable = readable(port.name()) + "/" + protocol;
            String svc = name("svc-", key, readable);
            if (chains.containsKey(svc)) {
                continue; // the same service port twice: the first one counts, as the first rule would
            }
            List<ServicePort.Endpoint> endpoints = port.endpoints().stream().distinct().toList();
            if (endpoints.isEmpty()) {
                port.clusterIp().ifPresent(ip -> elements.get(NO_ENDPOINT_IPS)
                        .putIfAbsent(ip + " . " + protocol + " . " + port.port(), ""));
                if (port.nodePort() > 0) {
                    elements.get(NO_ENDPOINT_NODE_PORTS).putIfAbsent(protocol + " . " + port.nodePort(), "");
                }
                if (port.loadBalancer()) {
                    elements.get(NO_ENDPOINT_LB_PORTS).putIfAbsent(protocol + " . " + port.port(), "");
                }
                continue;
            }
            List<String> rules = new ArrayList<>();
            port.clusterIp().ifPresent(ip -> {
                elements.get(SERVICE_IPS).putIfAbsent(ip + " . " + protocol + " . " + port.port(), "goto " + svc);
                rules.add("ip daddr " + ip + " " + protocol + " dport " + port.port() + " ip saddr != " + podCidr
                        + " jump " + MARK_MASQ);
            });
            endpoints.forEach(endpoint -> elements.get(HAIRPIN).putIfAbsent(endpoint.ip() + " . " + endpoint.ip(), ""));
            int n = endpoints.size();
            if (port.clientAffinity()) {
                List<String> endpointChains = new ArrayList<>();
                for (ServicePort.Endpoint endpoint : endpoints) {
                    String target = endpoint.ip() + ":" + endpoint.port();
                    String endpointReadable = readable + "__" + endpoint.ip() + "/" + endpoint.port();
                    String ep = name("ep-", key + "/" + target, endpointReadable);
                    // the timeout is part of the set's name: a set's timeout cannot change once it exists
                    String affinity = name("aff-", key + "/" + target + "/" + port.affinitySeconds(), endpointReadable);
                    endpointChains.add(ep);
                    affinitySets.put(affinity, port.affinitySeconds());
                    rules.add("ip saddr @" + affinity + " goto " + ep);
                    chains.put(ep, List.of("update @" + affinity + " { ip saddr }",
                            "meta l4proto " + protocol + " dnat ip to " + target));
                }
                List<String> picks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    picks.add(i + " : goto " + endpointChains.get(i));
                }
                rules.add("numgen random mod " + n + " vmap { " + String.join(", ", picks) + " }");
            } else if (n == 1) {
                rules.add("meta l4proto " + protocol + " dnat ip to " + endpoints.getFirst().ip() + ":"
                        + endpoints.getFirst().port());
            } else {
                List<String> picks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    picks.add(i + " : " + endpoints.get(i).ip() + " . " + endpoints.get(i).port());
                }
                rules.add("meta l4proto " + protocol + " dnat ip to numgen random mod " + n + " map { "
                        + String.join(", ", picks) + " }");
            }
            chains.put(svc, rules);
            if (port.nodePort() > 0 || port.loadBalancer()) {
                String ext = name("ext-", key, readable);
                chains.put(ext, List.of("jump " + MARK_MASQ, "goto " + svc));
                if (port.nodePort() > 0) {
                    elements.get(NODE_PORTS).putIfAbsent(protocol + " . " + port.nodePort(), "goto " + ext);
                }
                if (port.loadBalancer()) {
                    elements.get(LB_PORTS).putIfAbsent(protocol + " . " + port.port(), "goto " + ext);
                }
            }
        }
        return new RuleSet(chains, affinitySets, elements);
    }

    /**
     * A node's service rules: every chain with its rules, the affinity sets with their timeouts in seconds, and the
     * elements of every map and set (key to value; the value is empty for a set).
     */
    public record RuleSet(Map<String, List<String>> chains, Map<String, Integer> affinitySets,
                          Map<String, Map<String, String>> elements) {

        public RuleSet {
            chains = copy(chains, List::copyOf);
            affinitySets = copy(affinitySets, seconds -> seconds);
            elements = copy(elements, entries -> copy(entries, value -> value));
        }

        /**
         * The input that makes {@code table} hold exactly these rules whatever it holds now (it may be missing), in
         * one transaction: everything is declared (which keeps what exists, affinity sets with their clients
         * too), every rule and element is flushed and written anew, and the chains, sets and maps in
         * {@code existing} (as {@link #existingObjects} reads them) that are not part of these rules are deleted.
         */
        public String fullInput(String table, Set<String> existing) {
            StringBuilder out = new StringBuilder();
            out.append("add table ip ").append(table).append('\n');
            out.append("table ip ").append(table).append(" {\n");
            CONTAINERS.values().forEach(c -> out.append('\t').append(c.kind()).append(' ').append(c.name())
                    .append(" { type ").append(c.type()).append("; }\n"));
            affinitySets.forEach((name, seconds) -> declareAffinitySet(out, name, seconds));
            chains.keySet().forEach(name -> declareChain(out, name));
            out.append("}\n");
            out.append("flush table ip ").append(table).append('\n');
            CONTAINERS.values().forEach(c -> out.append("flush ").append(c.kind()).append(" ip ").append(table)
                    .append(' ').append(c.name()).append('\n'));
            Set<String> wanted = new LinkedHashSet<>();
            CONTAINERS.values().forEach(c -> wanted.add(c.kind() + " " + c.name()));
            affinitySets.keySet().forEach(name -> wanted.add("set " + name));
            chains.keySet().forEach(name -> wanted.add("chain " + name));
            // after the flushes, nothing refers to what is gone; chains first, as their rules used the sets
            Set<String> gone = new TreeSet<>(existing);
            gone.removeAll(wanted);
            for (String kind : List.of("chain", "set", "map")) {
                gone.stream().filter(object -> object.startsWith(kind + " ")).forEach(object -> out.append("delete ")
                        .append(kind).append(" ip ").append(table).append(' ').append(object.substring(kind.length() + 1))
                        .append('\n'));
            }
            writeRules(out, table, List.copyOf(chains.keySet()));
            elements.forEach((name, entries) -> addElements(out, table, name, entries.keySet(), entries));
            return out.toString();
        }

        /**
         * As {@link #fullInput}, deleting the table first (in the same transaction), which also forgets the clients
         * of the affinity sets: for a table whose base chains or maps were made otherwise.
         */
        public String replaceInput(String table) {
            return "table ip " + table + " {}\ndelete table ip " + table + "\n" + fullInput(table, Set.of());
        }

        /**
         * The input that turns {@code previous} (what the table holds) into these rules, touching only what
         * changed: new chains and sets are added, a changed chain is flushed and written anew, map and set
         * elements are deleted and added one by one, and chains and sets that are gone are deleted. Empty when
         * nothing changed.
         */
        public String updateInput(String table, RuleSet previous) {
            List<String> added = chains.keySet().stream().filter(c -> !previous.chains.containsKey(c)).toList();
            List<String> changed = chains.keySet().stream()
                    .filter(c -> previous.chains.containsKey(c) && !chains.get(c).equals(previous.chains.get(c)))
                    .toList();
            List<String> goneChains = previous.chains.keySet().stream().filter(c -> !chains.containsKey(c)).toList();
            List<String> newSets = affinitySets.keySet().stream()
                    .filter(s -> !previous.affinitySets.containsKey(s)).toList();
            List<String> goneSets = previous.affinitySets.keySet().stream()
                    .filter(s -> !affinitySets.containsKey(s)).toList();
            Map<String, Set<String>> removedElements = new LinkedHashMap<>();
            Map<String, Set<String>> addedElements = new LinkedHashMap<>();
            for (String container : CONTAINERS.keySet()) {
                Map<String, String> before = previous.elements.getOrDefault(container, Map.of());
                Map<String, String> after = elements.getOrDefault(container, Map.of());
                Set<String> removed = new LinkedHashSet<>();
                before.forEach((k, v) -> {
                    if (!v.equals(after.get(k))) {
                        removed.add(k);
                    }
                });
                Set<String> put = new LinkedHashSet<>();
                after.forEach((k, v) -> {
                    if (!v.equals(before.get(k))) {
                        put.add(k);
                    }
                });
                removedElements.put(container, removed);
                addedElements.put(container, put);
            }
            boolean elementsChanged = removedElements.values().stream().anyMatch(s -> !s.isEmpty())
                    || addedElements.values().stream().anyMatch(s -> !s.isEmpty());
            if (added.isEmpty() && changed.isEmpty() && goneChains.isEmpty() && newSets.isEmpty()
                    && goneSets.isEmpty() && !elementsChanged) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            if (!added.isEmpty() || !newSets.isEmpty()) {
                out.append("table ip ").append(table).append(" {\n");
                newSets.forEach(name -> declareAffinitySet(out, name, affinitySets.get(name)));
                added.forEach(name -> declareChain(out, name));
                out.append("}\n");
            }
            // flushed first, all of them, so that no rule still jumps to a chain being deleted
            for (String chain : changed) {
                out.append("flush chain ip ").append(table).append(' ').append(chain).append('\n');
            }
            for (String chain : goneChains) {
                out.append("flush chain ip ").append(table).append(' ').append(chain).append('\n');
            }
            removedElements.forEach((container, keys) -> {
                if (!keys.isEmpty()) {
                    out.append("delete element ip ").append(table).append(' ').append(container).append(" {\n");
                    keys.forEach(k -> out.append('\t').append(k).append(",\n"));
                    out.append("}\n");
                }
            });
            List<String> write = new ArrayList<>(added);
            write.addAll(changed);
            writeRules(out, table, write);
            addedElements.forEach((container, keys) -> addElements(out, table, container, keys,
                    elements.get(container)));
            for (String chain : goneChains) {
                out.append("delete chain ip ").append(table).append(' ').append(chain).append('\n');
            }
            for (String set : goneSets) {
                out.append("delete set ip ").append(table).append(' ').append(set).append('\n');
            }
            return out.toString();
        }

        private static void declareAffinitySet(StringBuilder out, String name, int seconds) {
            out.append("\tset ").append(name).append(" { type ipv4_addr; flags dynamic,timeout; timeout ")
                    .append(seconds).append("s; }\n");
        }

        private static void declareChain(StringBuilder out, String name) {
            out.append("\tchain ").append(name).append(" {");
            String hook = BASE_CHAINS.get(name);
            out.append(hook == null ? "" : " " + hook + " ").append("}\n");
        }

        private void writeRules(StringBuilder out, String table, List<String> names) {
            List<String> filled = names.stream().filter(name -> !chains.get(name).isEmpty()).toList();
            if (filled.isEmpty()) {
                return;
            }
            out.append("table ip ").append(table).append(" {\n");
            for (String name : filled) {
                out.append("\tchain ").append(name).append(" {\n");
                chains.get(name).forEach(rule -> out.append("\t\t").append(rule).append('\n'));
                out.append("\t}\n");
            }
            out.append("}\n");
        }

        private static void addElements(StringBuilder out, String table, String container, Set<String> keys,
                                        Map<String, String> values) {
            if (keys.isEmpty()) {
                return;
            }
            out.append("add element ip ").append(table).append(' ').append(container).append(" {\n");
            for (String k : keys) {
                String value = values.get(k);
                out.append('\t').append(k).append(value.isEmpty() ? "" : " : " + value).append(",\n");
            }
            out.append("}\n");
        }

        /** An unmodifiable copy that keeps the order: the output lists chains and elements as they came. */
        private static <V> Map<String, V> copy(Map<String, ? extends V> map, java.util.function.UnaryOperator<V> each) {
            Map<String, V> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, each.apply(v)));
            return java.util.Collections.unmodifiableMap(copy);
        }
    }

    /**
     * The chains, sets and maps of {@code table} in a listing of {@link #LIST_OBJECTS} (or of the table), as
     * {@code "chain NAME"}, {@code "set NAME"} or {@code "map NAME"}.
     */
    public static Set<String> existingObjects(String listing, String table) {
        Set<String> objects = new LinkedHashSet<>();
        boolean inTable = false;
        for (String line : listing.split("\n")) {
            Matcher start = TABLE.matcher(line);
            if (start.matches()) {
                inTable = unquote(start.group(1)).equals(table);
            } else if (line.equals("}")) {
                inTable = false;
            } else if (inTable) {
                Matcher matcher = DECLARATION.matcher(line);
                if (matcher.matches()) {
                    objects.add(matcher.group(1) + " " + unquote(matcher.group(2)));
                }
            }
        }
        return objects;
    }

    private static String unquote(String name) {
        return name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")
                ? name.substring(1, name.length() - 1) : name;
    }

    /**
     * A chain or set name: the prefix, 8 characters of a hash of {@code key} (the same on every node and every
     * sync) and, to be read by people, {@code readable}, cut to a length nft takes.
     */
    static String name(String prefix, String key, String readable) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            StringBuilder name = new StringBuilder(prefix);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; // base32
            for (int i = 0; i < 8; i++) {
                name.append(alphabet.charAt((hash[i] & 0xFF) % 32));
            }
            String tail = readable.length() > 96 ? readable.substring(0, 96) : readable;
            return name.append('-').append(tail).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The characters nft takes in a name, others replaced by '_': "default/web:http" becomes "default/web_http". */
    private static String readable(String text) {
        return text.replaceAll("[^A-Za-z0-9/_.-]", "_");
    }

    /** A map or set of the table: its name, {@code map} or {@code set}, and its type. */
    private record Container(String name, String kind, String type) {
    }

    private static Map<String, Container> containers(Container... containers) {
        Map<String, Container> map = new LinkedHashMap<>();
        for (Container container : containers) {
            map.put(container.name(), container);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], Objects.requireNonNull(pairs[i + 1]));
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
