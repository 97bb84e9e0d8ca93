package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.Json;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An in-process API server on a free port, in a data directory of its own, with an HTTPS client that trusts only
 * its CA. Registered as {@code @RegisterExtension static final TestCluster cluster = new TestCluster();} it starts
 * before a test class's tests and is stopped, and its directory removed, after them.
 */
public final class TestCluster implements BeforeAllCallback, AfterAllCallback {
    private Path dataDir;
    private ApiServer server;
    private HttpClient client;
    private String base;
    private String token;
    private SSLContext ssl;

    public record Reply(int status, JsonNode body, String raw, HttpResponse<String> response) {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("gantry-apiserver-test");
        server = ApiServer.start(ServerConfig.defaults(dataDir.resolve("data")).withPort(0));
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", server.credentials().ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        base = "https://127.0.0.1:" + server.port();
        token = server.credentials().adminToken();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (dataDir != null) {
                try (Stream<Path> files = Files.walk(dataDir)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    public ApiServer server() {
        return server;
    }

    /** Trusts only this cluster's CA; for tests that speak raw HTTP over TLS. */
    public SSLContext sslContext() {
        return ssl;
    }

    public String token() {
        return token;
    }

    public HttpClient client() {
        return client;
    }

    public String url(String path) {
        return base + path;
    }

    public Reply send(String method, String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = Json.MAPPER.readTree(response.body());
        } catch (IOException ignored) {
            // not JSON
        }
        return new Reply(response.statusCode(), json, response.body(), response);
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, null);
    }

    public Reply post(String path, String json) throws IOException, InterruptedException {
        return send("POST", path, "application/json", json.getBytes());
    }

    public Reply put(String path, String json) throws IOException, InterruptedException {
        return send("PUT", path, "application/json", json.getBytes());
    }

    public Reply patch(String path, String contentType, String body) throws IOException, InterruptedException {
        return send("PATCH", path, contentType, body.getBytes());
    }

    public Reply delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null, null);
    }
}
