package io.gantry.network.dns;

import java.util.List;
import java.util.Objects;

/** An extra /etc/hosts line: one IP and the names that resolve to it (a pod's {@code hostAliases} entry). */
public record HostAlias(String ip, List<String> hostnames) {

    public HostAlias {
        Objects.requireNonNull(ip, "ip");
        hostnames = List.copyOf(hostnames);
    }
}
