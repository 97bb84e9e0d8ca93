package io.gantry.network.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds and removes the iptables rules and chains that mention a test's subnet, container ids or chain names:
 * portmap's CNI-DN-xxx chains with their jumps from CNI-HOSTPORT-DNAT, the bridge plugin's per-container ipMasq
 * chains (CNI-xxx) where a test asked for them, and a node network's masquerading chain (named after its bridge).
 * Normally the plugins' DEL and the network's own clean-up removed them; this is the safety net for a test that
 * failed half-way.
 */
public final class IptablesTraces {

    /** portmap's chains shared by every container; only removed when a test created them and they are unused. */
    public static final List<String> SHARED_PORTMAP_CHAINS =
            List.of("CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-SETMARK", "CNI-HOSTPORT-MASQ");
    private static final List<String> TABLES = List.of("nat", "filter", "mangle");

    private IptablesTraces() {
    }

    public static boolean chainExists(String table, String chain) {
        return HostCommands.run("iptables", "-w", "5", "-t", table, "-S", chain).succeeded();
    }

    /** Lines of iptables-save (all tables) that mention any of the needles. */
    public static List<String> linesMentioning(Collection<String> needles) {
        List<String> found = new ArrayList<>();
        for (String line : HostCommands.ok("iptables-save").split("\n")) {
            if (needles.stream().anyMatch(line::contains)) {
                found.add(line);
            }
        }
        return found;
    }

    public static void remove(Collection<String> needles) {
        for (String table : TABLES) {
            removeFromTable(table, needles);
        }
    }

    /** Removes portmap's shared chains (and the jumps to them) when no container uses them any more. */
    public static void removeUnusedSharedPortmapChains() {
        if (!chainExists("nat", "CNI-HOSTPORT-DNAT")) {
            return;
        }
        Map<String, List<String>> rules = rules("nat");
        if (!rules.getOrDefault("CNI-HOSTPORT-DNAT", List.of()).isEmpty()) {
            return; // another container still has host ports
        }
        Set<String> shared = new LinkedHashSet<>(SHARED_PORTMAP_CHAINS);
        deleteRules("nat", rules, rule -> shared.stream().anyMatch(chain -> jumpsTo(rule, chain)));
        for (String chain : SHARED_PORTMAP_CHAINS) {
            if (chainExists("nat", chain)) {
                HostCommands.run("iptables", "-w", "5", "-t", "nat", "-F", chain);
                HostCommands.run("iptables", "-w", "5", "-t", "nat", "-X", chain);
            }
        }
    }

    private static void removeFromTable(String table, Collection<String> needles) {
        Map<String, List<String>> rules = rules(table);
        Set<String> tainted = new LinkedHashSet<>();
        rules.forEach((chain, chainRules) -> {
            if (needles.stream().anyMatch(chain::contains)) {
                tainted.add(chain);
            }
            for (String rule : chainRules) {
                if (needles.stream().anyMatch(rule::contains)) {
                    if (chain.startsWith("CNI-") && !SHARED_PORTMAP_CHAINS.contains(chain)) {
                        tainted.add(chain);
                    }
                    String target = target(rule);
                    if (target != null && target.startsWith("CNI-") && !SHARED_PORTMAP_CHAINS.contains(target)) {
                        tainted.add(target);
                    }
                }
            }
        });
        deleteRules(table, rules, rule -> needles.stream().anyMatch(rule::contains)
                || tainted.stream().anyMatch(chain -> jumpsTo(rule, chain)));
        // all flushed before any is deleted: a tainted chain may jump to another one
        for (String chain : tainted) {
            HostCommands.run("iptables", "-w", "5", "-t", table, "-F", chain);
        }
        for (String chain : tainted) {
            HostCommands.run("iptables", "-w", "5", "-t", table, "-X", chain);
        }
    }

    /** Deletes matching rules by position, last first, so earlier positions stay valid. */
    private static void deleteRules(String table, Map<String, List<String>> rules,
                                    Predicate<String> matches) {
        rules.forEach((chain, chainRules) -> {
            for (int i = chainRules.size() - 1; i >= 0; i--) {
                if (matches.test(chainRules.get(i))) {
                    HostCommands.ok("iptables", "-w", "5", "-t", table, "-D", chain, String.valueOf(i + 1));
                }
            }
        });
    }

    /** Rules per chain, in order, from iptables-save of one table. */
    private static Map<String, List<String>> rules(String table) {
        Map<String, List<String>> rules = new LinkedHashMap<>();
        for (String line : HostCommands.ok("iptables-save", "-t", table).split("\n")) {
            if (line.startsWith(":")) {
                rules.putIfAbsent(line.substring(1, line.indexOf(' ')), new ArrayList<>());
            } else if (line.startsWith("-A ")) {
                String chain = line.split(" ")[1];
                rules.computeIfAbsent(chain, c -> new ArrayList<>()).add(line);
            }
        }
        return rules;
    }

    private static boolean jumpsTo(String rule, String chain) {
        return rule.endsWith(" -j " + chain) || rule.contains(" -j " + chain + " ") || rule.endsWith(" -g " + chain)
                || rule.contains(" -g " + chain + " ");
    }

    private static String target(String rule) {
        String[] words = rule.split(" ");
        for (int i = 0; i < words.length - 1; i++) {
            if (words[i].equals("-j") || words[i].equals("-g")) {
                return words[i + 1];
            }
        }
        return null;
    }
}
