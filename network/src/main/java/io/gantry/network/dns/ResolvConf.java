package io.gantry.network.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A pod's resolver configuration, built the way the kubelet builds it for each DNS policy and rendered as
 * resolv.conf(5) ({@code search}, then one {@code nameserver} line each, then {@code options}).
 */
public record ResolvConf(List<String> nameservers, List<String> searches, List<String> options) {

    /** glibc reads at most this many nameserver lines (MAXNS); the kubelet drops the rest too. */
    public static final int MAX_NAMESERVERS = 3;
    /** The kubelet's limits on search domains: count and total length of the search line. */
    public static final int MAX_SEARCHES = 32;
    public static final int MAX_SEARCH_CHARS = 2048;
    /** ClusterFirst's options: names with fewer than 5 dots are tried under the search domains first. */
    public static final List<String> CLUSTER_FIRST_OPTIONS = List.of("ndots:5");
    public static final ResolvConf EMPTY = new ResolvConf(List.of(), List.of(), List.of());

    public ResolvConf {
        nameservers = List.copyOf(nameservers);
        searches = List.copyOf(searches);
        options = List.copyOf(options);
    }

    public String render() {
        return render(nameservers, searches, options);
    }

    public static String render(List<String> nameservers, List<String> searches, List<String> options) {
        StringBuilder conf = new StringBuilder();
        if (!searches.isEmpty()) {
            conf.append("search ").append(String.join(" ", searches)).append('\n');
        }
        for (String nameserver : nameservers) {
            conf.append("nameserver ").append(nameserver).append('\n');
        }
        if (!options.isEmpty()) {
            conf.append("options ").append(String.join(" ", options)).append('\n');
        }
        return conf.toString();
    }

    /** Policy ClusterFirst without host search domains: see {@link #clusterFirst(List, String, String, ResolvConf)}. */
    public static ResolvConf clusterFirst(String clusterDnsIp, String namespace, String clusterDomain) {
        return clusterFirst(List.of(clusterDnsIp), namespace, clusterDomain, EMPTY);
    }

    /**
     * Policy ClusterFirst: the cluster DNS servers; the search path {@code <ns>.svc.<domain> svc.<domain> <domain>}
     * followed by the host's search domains (so node-local short names keep working); {@code ndots:5}. The host's
     * nameservers and options are not used.
     */
    public static ResolvConf clusterFirst(List<String> clusterDns, String namespace, String clusterDomain,
                                          ResolvConf host) {
        List<String> searches = new ArrayList<>();
        if (!clusterDomain.isEmpty()) {
            searches.add(namespace + ".svc." + clusterDomain);
            searches.add("svc." + clusterDomain);
            searches.add(clusterDomain);
        }
        searches.addAll(host.searches());
        return new ResolvConf(clusterDns, distinct(searches), CLUSTER_FIRST_OPTIONS).withinLimits();
    }

    /** Policy Default: what the node itself uses, read from its resolv.conf (usually /etc/resolv.conf). */
    public static ResolvConf hostDefault(Path hostResolvConf) throws IOException {
        return parse(Files.readString(hostResolvConf)).withinLimits();
    }

    /**
     * Reads resolv.conf(5) content: every {@code nameserver}, the last {@code search} or {@code domain} line (a
     * later one replaces an earlier one, as in the resolver), and all {@code options}.
     */
    public static ResolvConf parse(String content) {
        List<String> nameservers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String rawLine : content.split("\n")) {
            String line = rawLine.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            List<String> values = List.of(fields).subList(1, fields.length);
            switch (fields[0]) {
                case "nameserver" -> {
                    if (!values.isEmpty()) {
                        nameservers.add(values.getFirst());
                    }
                }
                case "search", "domain" -> {
                    searches.clear();
                    searches.addAll(values);
                }
                case "options" -> options.addAll(values);
                default -> { /* sortlist and unknown keywords do not matter for pods */ }
            }
        }
        return new ResolvConf(nameservers, searches, options);
    }

    /**
     * Adds a pod's own {@code dnsConfig} (and is the whole configuration under policy None, starting from
     * {@link #EMPTY}): nameservers and searches are appended without duplicates, options are merged by name with
     * the pod's value winning.
     */
    public ResolvConf withPodDnsConfig(List<String> extraNameservers, List<String> extraSearches,
                                       List<String> extraOptions) {
        List<String> servers = new ArrayList<>(nameservers);
        servers.addAll(extraNameservers);
        List<String> allSearches = new ArrayList<>(searches);
        allSearches.addAll(extraSearches);
        Map<String, String> optionsByName = new LinkedHashMap<>();
        for (String option : options) {
            optionsByName.put(optionName(option), option);
        }
        for (String option : extraOptions) {
            optionsByName.put(optionName(option), option);
        }
        return new ResolvConf(distinct(servers), distinct(allSearches), new ArrayList<>(optionsByName.values()))
                .withinLimits();
    }

    /** Drops what resolvers would ignore or truncate anyway, keeping the first entries as the kubelet does. */
    public ResolvConf withinLimits() {
        List<String> servers = nameservers.size() > MAX_NAMESERVERS
                ? nameservers.subList(0, MAX_NAMESERVERS) : nameservers;
        List<String> kept = new ArrayList<>();
        int chars = 0;
        for (String search : searches) {
            int needed = chars == 0 ? search.length() : chars + 1 + search.length();
            if (kept.size() == MAX_SEARCHES || needed > MAX_SEARCH_CHARS) {
                break;
            }
            kept.add(search);
            chars = needed;
        }
        return new ResolvConf(servers, kept, options);
    }

    private static String optionName(String option) {
        int colon = option.indexOf(':');
        return colon < 0 ? option : option.substring(0, colon);
    }

    private static List<String> distinct(List<String> values) {
        return new ArrayList<>(new LinkedHashSet<>(values));
    }
}
