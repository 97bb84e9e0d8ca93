package io.gantry.agent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How an agent reaches and joins its cluster.
 *
 * @param serverUrl e.g. https://10.0.0.1:6443
 * @param joinToken the join token, optionally with its CA hash ({@link JoinToken}); only needed for the first join
 * @param agentName the identity the agent joins as (CN=system:node:NAME); a simulating agent uses one identity
 *                  for all its nodes
 * @param dataDir   where the key and certificates are kept
 * @param caFile    the cluster CA (PEM), or null to discover it ({@link CaDiscovery})
 */
public record AgentConfig(String serverUrl, String joinToken, String agentName, Path dataDir, Path caFile) {
    public AgentConfig {
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(dataDir, "dataDir");
    }

    /** /var/lib/gantry-agent for root, ~/.gantry-agent for everyone else. */
    public static Path defaultDataDir() {
        return "root".equals(System.getProperty("user.name"))
                ? Path.of("/var/lib/gantry-agent")
                : Path.of(System.getProperty("user.home"), ".gantry-agent");
    }

    /** The host name, lower-cased and reduced to what a node name may hold, as the kubelet names its node. */
    public static String defaultNodeName() {
        String host;
        try {
            host = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException e) {
            host = "";
        }
        if (host.isEmpty()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return sanitize(host);
    }

    /** {@code sim-<hostname>}, lower-cased and reduced to what a node name may hold. */
    public static String defaultSimulatorName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return "sim-" + sanitize(host);
    }

    static String sanitize(String host) {
        String s = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[-.]+|[-.]+$", "");
        if (s.length() > 200) {
            s = s.substring(0, 200).replaceAll("[-.]+$", "");
        }
        return s.isEmpty() ? "localhost" : s;
    }
}
