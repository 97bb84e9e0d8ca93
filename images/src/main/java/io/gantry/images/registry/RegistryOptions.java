package io.gantry.images.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How to reach registries.
 *
 * @param insecureRegistries registry hosts ({@code host} or {@code host:port}) reached over plain HTTP; loopback
 *                           hosts always are, everything else uses HTTPS with the JDK's trust store
 * @param connectTimeout     for opening a connection
 * @param requestTimeout     for a response's headers to arrive (a blob body may take longer)
 * @param userAgent          sent with every request
 */
public record RegistryOptions(Set<String> insecureRegistries, Duration connectTimeout, Duration requestTimeout, String userAgent) {
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    public RegistryOptions {
        insecureRegistries = insecureRegistries == null ? Set.of()
                : insecureRegistries.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(60) : requestTimeout;
        userAgent = userAgent == null || userAgent.isBlank() ? "gantry" : userAgent;
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(Set.of(), null, null, null);
    }

    public RegistryOptions withInsecureRegistries(Set<String> hosts) {
        return new RegistryOptions(hosts, connectTimeout, requestTimeout, userAgent);
    }

    public RegistryOptions withTimeouts(Duration connect, Duration request) {
        return new RegistryOptions(insecureRegistries, connect, request, userAgent);
    }

    /** Whether {@code hostAndPort} is reached over plain HTTP: a loopback host, or one listed as insecure. */
    public boolean usesPlainHttp(String hostAndPort) {
        String lower = hostAndPort.toLowerCase(Locale.ROOT);
        return isLoopback(hostOf(lower)) || insecureRegistries.contains(lower) || insecureRegistries.contains(hostOf(lower));
    }

    /**
     * Loopback by name, never by DNS lookup: {@code localhost}, {@code 127.0.0.0/8} and {@code ::1}. Resolving
     * would let whoever controls DNS downgrade a registry to plain HTTP.
     */
    static boolean isLoopback(String host) {
        if (host.equals("localhost") || IPV4_LOOPBACK.matcher(host).matches()) {
            return true;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.contains(":") && bare.matches("[0-9a-fA-F:.]+")) {
            try {
                return InetAddress.getByName(bare).isLoopbackAddress(); // an IPv6 literal: parsed, not looked up
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** {@code host:port} → {@code host}; {@code [::1]:5000} → {@code [::1]}. */
    static String hostOf(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            return close < 0 ? hostAndPort : hostAndPort.substring(0, close + 1);
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }
}
