package io.gantry.network.cni;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One address assignment from a result.
 *
 * @param address        the address with its prefix, e.g. {@code 10.88.0.5/24}
 * @param interfaceIndex index into the result's interfaces, when the plugin said which one
 */
public record CniIpConfig(String address, Optional<String> gateway, OptionalInt interfaceIndex) {

    /** The address without its prefix length. */
    public String ip() {
        int slash = address.indexOf('/');
        return slash < 0 ? address : address.substring(0, slash);
    }

    public int prefixLength() {
        int slash = address.indexOf('/');
        if (slash < 0) {
            return ip().contains(":") ? 128 : 32;
        }
        return Integer.parseInt(address.substring(slash + 1));
    }

    public boolean isIpv4() {
        return !ip().contains(":");
    }
}
