package io.gantry.network.cni;

import java.util.List;
import java.util.Optional;

/** DNS settings a plugin knows of; the runtime decides what to do with them (the spec does not say). */
public record CniDns(List<String> nameservers, Optional<String> domain, List<String> search, List<String> options) {

    public static final CniDns NONE = new CniDns(List.of(), Optional.empty(), List.of(), List.of());

    public CniDns {
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
        options = List.copyOf(options);
    }
}
