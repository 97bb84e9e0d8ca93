package io.gantry.apiserver.discovery;

/** The two forms of discovery documents, with the exact Content-Type each must be answered with. */
public enum DiscoveryFormat {
    /** APIVersions / APIGroupList / APIResourceList. Plain "application/json": kubectl 1.27 rejects charset. */
    LEGACY("application/json"),
    /** apidiscovery.k8s.io/v2 APIGroupDiscoveryList; clients pick the parser from these parameters. */
    AGGREGATED_V2("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");

    private final String contentType;

    DiscoveryFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }
}
