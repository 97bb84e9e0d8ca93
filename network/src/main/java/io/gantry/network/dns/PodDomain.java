package io.gantry.network.dns;

import java.util.Objects;

/**
 * The DNS domain a pod with a {@code subdomain} gets: {@code <subdomain>.<namespace>.svc.<clusterDomain>}, under
 * which its hostname resolves through the headless service of that name.
 */
public record PodDomain(String subdomain, String namespace, String clusterDomain) {

    public PodDomain {
        Objects.requireNonNull(subdomain, "subdomain");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(clusterDomain, "clusterDomain");
    }

    public String name() {
        return subdomain + "." + namespace + ".svc." + clusterDomain;
    }

    public String fqdn(String hostname) {
        return hostname + "." + name();
    }
}
