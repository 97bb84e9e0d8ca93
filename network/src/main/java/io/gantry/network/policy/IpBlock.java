package io.gantry.network.policy;

import java.util.List;
import java.util.Objects;

/**
 * A range of addresses a rule allows, as a NetworkPolicy's {@code ipBlock}; pod and namespace selectors reach
 * here already resolved into one {@code /32} block per pod. IPv4 only. Both fields are kept in canonical form
 * (host bits cleared), which is also how iptables shows them.
 *
 * @param cidr   the range, e.g. {@code 10.0.0.0/8}
 * @param except ranges inside {@code cidr} that are not allowed
 */
public record IpBlock(String cidr, List<String> except) {

    public IpBlock {
        Objects.requireNonNull(except, "except");
        Ipv4Cidr range = Ipv4Cidr.parse(cidr, "ipBlock cidr");
        cidr = range.toString();
        except = except.stream().map(text -> {
            Ipv4Cidr excluded = Ipv4Cidr.parse(text, "ipBlock except");
            if (!range.contains(excluded)) {
                throw new IllegalArgumentException("ipBlock except '" + text + "' is not inside " + range);
            }
            return excluded.toString();
        }).toList();
    }

    /** A block without exceptions; a bare address is taken as its {@code /32}. */
    public static IpBlock of(String cidrOrAddress) {
        return new IpBlock(cidrOrAddress.contains("/") ? cidrOrAddress : cidrOrAddress + "/32", List.of());
    }
}
