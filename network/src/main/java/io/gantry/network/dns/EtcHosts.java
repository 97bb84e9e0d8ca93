package io.gantry.network.dns;

import java.util.List;
import java.util.Optional;

/**
 * Renders a pod's /etc/hosts in the kubelet's layout, so tools that parse or diff it (and people used to it) see
 * the familiar file: the managed-file header, the loopback and IPv6 well-known entries, the pod's own line and
 * then the host aliases.
 */
public final class EtcHosts {

    static final String HEADER = "# Kubernetes-managed hosts file.\n";
    static final String HOST_ALIASES_HEADER = "# Entries added by HostAliases.\n";

    private EtcHosts() {
    }

    /**
     * @param domain when the pod has a subdomain, its FQDN comes first on the pod's line and the short name second
     */
    public static String render(String podIp, String hostname, Optional<PodDomain> domain,
                                List<HostAlias> hostAliases) {
        StringBuilder hosts = new StringBuilder(HEADER)
                .append("127.0.0.1\tlocalhost\n")
                .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
                .append("fe00::0\tip6-localnet\n")
                .append("fe00::0\tip6-mcastprefix\n")
                .append("fe00::1\tip6-allnodes\n")
                .append("fe00::2\tip6-allrouters\n");
        hosts.append(podIp).append('\t');
        domain.ifPresent(d -> hosts.append(d.fqdn(hostname)).append('\t'));
        hosts.append(hostname).append('\n');
        if (!hostAliases.isEmpty()) {
            hosts.append('\n').append(HOST_ALIASES_HEADER);
            for (HostAlias alias : hostAliases) {
                hosts.append(alias.ip()).append('\t').append(String.join("\t", alias.hostnames())).append('\n');
            }
        }
        return hosts.toString();
    }
}
