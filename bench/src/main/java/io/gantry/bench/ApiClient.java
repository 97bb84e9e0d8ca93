package io.gantry.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;

/**
 * HTTPS to one Gantry API server as the cluster admin: trusts only the cluster CA from the data directory and
 * sends the admin token. HTTP/1.1, so concurrent requests use separate pooled connections as kubectl's do.
 */
final class ApiClient {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient http;
    private final SSLContext ssl;
    private final String baseUrl;
    private final String token;

    private ApiClient(SSLContext ssl, String baseUrl, String token) {
        this.ssl = ssl;
        this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.baseUrl = baseUrl;
        this.token = token;
    }

    static ApiClient connect(String baseUrl, Path dataDir) throws IOException, GeneralSecurityException {
        String host = URI.create(baseUrl).getHost();
        // loopback, or the test bridge (198.18.0.0/15) a benchmark made for the hosts it plays with namespaces
        if (!host.equals("127.0.0.1") && !host.matches("198\\.1[89]\\.\\d+\\.1")) {
            throw new IllegalArgumentException("benchmarks only talk to 127.0.0.1 or their own bridges, not " + baseUrl);
        }
        String token = Files.readString(dataDir.resolve("tokens/admin.token")).trim();
        return new ApiClient(trustingClusterCa(dataDir), baseUrl, token);
    }

    /** Another client with its own connection pool and selector thread, to spread many streams. */
    ApiClient fork(Path dataDir) throws IOException, GeneralSecurityException {
        return new ApiClient(trustingClusterCa(dataDir), baseUrl, token);
    }

    /** A blocking keep-alive connection of its own, for one load-generating thread (see KeepAliveConnection). */
    KeepAliveConnection connection() {
        return new KeepAliveConnection(ssl, URI.create(baseUrl), token);
    }

    private static SSLContext trustingClusterCa(Path dataDir) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dataDir.resolve("pki/ca.crt"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token)
                .timeout(REQUEST_TIMEOUT);
    }

    HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        return http.send(request(path).header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> mergePatch(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates a namespace; an existing one is fine. */
    void ensureNamespace(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/v1/namespaces",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}");
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IOException("creating namespace " + name + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    <T> java.util.concurrent.CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                          HttpResponse.BodyHandler<T> handler) {
        return http.sendAsync(request, handler);
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return http.send(request, handler);
    }

    /** The resourceVersion in a list body, found by string search. */
    static String listResourceVersion(String body) {
        return Strings.field(body, "resourceVersion");
    }
}
