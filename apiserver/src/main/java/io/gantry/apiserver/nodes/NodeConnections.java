package io.gantry.apiserver.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.AgentEndpoint;
import io.gantry.api.ApiException;
import io.gantry.apiserver.security.ClusterCredentials;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls node agents. Each agent serves with a self-signed certificate (as a kubelet does without a serving CA)
 * and publishes its SHA-256 on its Node, which only that node can write; a connection whose certificate does
 * not match is refused. The API server presents a client certificate of the cluster CA named
 * {@link AgentEndpoint#API_SERVER_CLIENT_NAME}, the only caller agents accept.
 */
public final class NodeConnections implements AutoCloseable {
    private final ClusterCredentials credentials;
    private volatile ClusterCredentials.ClientCertificate clientCertificate;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public NodeConnections(ClusterCredentials credentials) {
        this.credentials = credentials;
    }

    /** Where and how a node's agent is reached. */
    private record Endpoint(String name, String hostPort, HttpClient client) {
    }

    private Endpoint endpoint(JsonNode node) {
        String name = node.path("metadata").path("name").asText();
        String fingerprint = node.path("metadata").path("annotations").path(AgentEndpoint.FINGERPRINT_ANNOTATION)
                .asText("");
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        String address = address(node);
        if (fingerprint.isEmpty() || port <= 0 || address == null) {
            throw ApiException.badRequest("node " + name + " serves no container streams (a simulated node, or an "
                    + "agent that has not published its endpoint)");
        }
        return new Endpoint(name, hostPort(address, port), clients.computeIfAbsent(fingerprint, this::client));
    }

    /** Opens a WebSocket to the node's agent at {@code pathAndQuery}, speaking {@code protocol}. */
    public CompletableFuture<WebSocket> websocket(JsonNode node, String pathAndQuery, String protocol,
                                                  WebSocket.Listener listener) {
        Endpoint endpoint = endpoint(node);
        return endpoint.client().newWebSocketBuilder().subprotocols(protocol)
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("wss://" + endpoint.hostPort() + pathAndQuery), listener);
    }

    /** The agent's answer to {@code GET pathAndQuery}, streamed; a non-200 answer becomes an ApiException. */
    public InputStream get(JsonNode node, String pathAndQuery) {
        Endpoint endpoint = endpoint(node);
        String name = endpoint.name();
        HttpClient client = endpoint.client();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + endpoint.hostPort() + pathAndQuery))
                .GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                String message;
                try (InputStream body = response.body()) {
                    message = new String(body.readNBytes(4096), StandardCharsets.UTF_8).trim();
                }
                throw new ApiException(response.statusCode() == 404 ? 404 : 400,
                        response.statusCode() == 404 ? "NotFound" : "BadRequest", message, null, null, null, List.of());
            }
            return response.body();
        } catch (IOException e) {
            throw ApiException.serviceUnavailable("cannot reach the agent of node " + name + " at "
                    + endpoint.hostPort() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.serviceUnavailable("interrupted while calling node " + name);
        }
    }

    private static String hostPort(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    /** The node's InternalIP, as the API server prefers it for kubelet connections. */
    private static String address(JsonNode node) {
        String fallback = null;
        for (JsonNode a : node.path("status").path("addresses")) {
            String type = a.path("type").asText();
            if (type.equals("InternalIP")) {
                return a.path("address").asText();
            }
            if (type.equals("ExternalIP") && fallback == null) {
                fallback = a.path("address").asText();
            }
        }
        return fallback;
    }

    private HttpClient client(String fingerprint) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keyManagers(), new TrustManager[]{new PinnedTrust(fingerprint)}, new SecureRandom());
            SSLParameters parameters = new SSLParameters();
            // the certificate is trusted by its pin, not by the name in it
            parameters.setEndpointIdentificationAlgorithm(null);
            return HttpClient.newBuilder().sslContext(tls).sslParameters(parameters)
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS to node agents", e);
        }
    }

    private javax.net.ssl.KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
        ClusterCredentials.ClientCertificate mine = clientCertificate;
        if (mine == null) {
            mine = credentials.issueClientCertificate(AgentEndpoint.API_SERVER_CLIENT_NAME, Duration.ofDays(365));
            clientCertificate = mine;
        }
        char[] password = "in-memory".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", mine.key(), password, new java.security.cert.Certificate[]{mine.certificate()});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password);
        return factory.getKeyManagers();
    }

    /** Trusts exactly the certificate with the published fingerprint. */
    private record PinnedTrust(String fingerprint) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the node agent presented no certificate");
            }
            try {
                String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(chain[0].getEncoded()));
                if (!actual.equals(fingerprint)) {
                    throw new CertificateException("the node agent's certificate is not the one its Node publishes");
                }
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
        clients.clear();
    }
}
