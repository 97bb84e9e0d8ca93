package io.gantry.api;

/**
 * What the API server and node agents agree on for the agent's HTTPS endpoint (the kubelet's port): who may call
 * it, how its self-signed certificate is trusted, and its paths.
 */
public final class AgentEndpoint {
    /** The common name of the cluster-CA certificate the API server presents; agents accept no other caller. */
    public static final String API_SERVER_CLIENT_NAME = "gantry:apiserver-kubelet-client";
    /** Node annotation holding the lower-case hex SHA-256 of the certificate the agent serves with. */
    public static final String FINGERPRINT_ANNOTATION = "gantry.io/serving-cert-sha256";
    /** {@code /containerLogs/NAMESPACE/POD/CONTAINER}, with the kubelet's query parameters. */
    public static final String CONTAINER_LOGS = "/containerLogs/";
    /**
     * {@code /exec/NAMESPACE/POD/CONTAINER?command=...&stdin=true&stdout=true&stderr=true&tty=false}: a WebSocket
     * speaking {@code v5.channel.k8s.io} or {@code v4.channel.k8s.io}, relayed by the API server for pods/exec.
     */
    public static final String EXEC = "/exec/";
    /**
     * {@code /attach/NAMESPACE/POD/CONTAINER?stdin=true&stdout=true&stderr=true&tty=false}: the same WebSocket
     * protocols as {@link #EXEC}, attached to the container's main process, for pods/attach.
     */
    public static final String ATTACH = "/attach/";

    private AgentEndpoint() {
    }
}
