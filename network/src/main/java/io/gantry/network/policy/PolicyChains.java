package io.gantry.network.policy;

import io.gantry.network.PodNetworkConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names of one node network's policy chains in the filter table, all within iptables' 28 characters:
 * <ul>
 *   <li>{@code GANTRY-NP-<bridge>}, the top chain ({@link PodNetworkConfig#policyChain()});</li>
 *   <li>{@code GANTRY-NPI-<net>-<ip>} and {@code GANTRY-NPE-<net>-<ip>}, a pod's ingress and egress chain, where
 *       {@code <ip>} is the pod's IPv4 address as 8 hex digits;</li>
 *   <li>{@code GANTRY-NPB-<net>-<n>}, the n-th (from 1) ipBlock with exceptions.</li>
 * </ul>
 * {@code <net>} is 8 hex digits of the SHA-256 of the bridge name: a bridge name (up to 15 characters) does not
 * fit beside an address, and the per-pod chains must still tell which network they belong to, so that a network
 * deletes its stale chains, also those a process before it left, and never another network's.
 */
public final class PolicyChains {
    static final String INGRESS = "GANTRY-NPI-";
    static final String EGRESS = "GANTRY-NPE-";
    static final String EXCEPT_BLOCK = "GANTRY-NPB-";
    private static final int MAX_NAME_LENGTH = 28;

    private final String top;
    private final String network;

    private PolicyChains(String top, String network) {
        this.top = top;
        this.network = network;
    }

    public static PolicyChains of(PodNetworkConfig config) {
        return new PolicyChains(config.policyChain(), networkHash(config.bridgeName()));
    }

    /** The chain the node's forward chain jumps to first, which sends each isolated pod's traffic on. */
    public String top() {
        return top;
    }

    public String ingress(String podIp) {
        return INGRESS + network + "-" + hex(podIp);
    }

    public String egress(String podIp) {
        return EGRESS + network + "-" + hex(podIp);
    }

    /** The chain of the {@code n}-th distinct ipBlock with exceptions, from 1. */
    public String exceptBlock(int n) {
        String name = EXCEPT_BLOCK + network + "-" + n;
        if (n < 1 || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("no chain name for ipBlock number " + n);
        }
        return name;
    }

    /** The prefixes of this network's per-pod and ipBlock chains. */
    public List<String> prefixes() {
        return List.of(INGRESS + network + "-", EGRESS + network + "-", EXCEPT_BLOCK + network + "-");
    }

    /** Whether {@code chain} is one of this network's policy chains, the top chain included. */
    public boolean owns(String chain) {
        return chain.equals(top) || prefixes().stream().anyMatch(chain::startsWith);
    }

    /** This network's policy chains declared in {@code iptablesSave}, the output of {@code iptables-save}. */
    public Set<String> declaredIn(String iptablesSave) {
        Set<String> chains = new LinkedHashSet<>();
        for (String line : iptablesSave.split("\n")) {
            if (line.startsWith(":")) {
                int end = line.indexOf(' ');
                String chain = end < 0 ? line.substring(1) : line.substring(1, end);
                if (owns(chain)) {
                    chains.add(chain);
                }
            }
        }
        return chains;
    }

    private static String hex(String ip) {
        return HexFormat.of().toHexDigits(Ipv4Cidr.address(ip, "pod IP"));
    }

    private static String networkHash(String bridgeName) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bridgeName.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
