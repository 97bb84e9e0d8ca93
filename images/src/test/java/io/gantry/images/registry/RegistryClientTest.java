package io.gantry.images.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.DigestMismatchException;
import io.gantry.images.oci.ImageFormatException;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.MediaTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Protocol corners the real registry does not exercise, against stand-ins on loopback: a blob redirect to
 * storage elsewhere, a registry lying about a digest, oversized manifests, error bodies that are not JSON.
 */
@Timeout(30)
class RegistryClientTest {
    private static final byte[] BLOB = "blob content".getBytes(StandardCharsets.UTF_8);
    private static final String MANIFEST = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":2},"layers":[]}"""
            .formatted("4".repeat(64));

    private HttpServer registry;
    private HttpServer storage;
    private RegistryClient client;
    private final Map<String, List<String>> authorizationSeen = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        storage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        storage.createContext("/", exchange -> {
            record(exchange, "storage");
            respond(exchange, 200, BLOB, "application/octet-stream");
        });
        registry.createContext("/v2/redirected/blobs/", exchange -> {
            record(exchange, "registry");
            if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
                respond(exchange, 401, new byte[0], "text/plain");
                return;
            }
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + storage.getAddress().getPort() + "/bucket/blob?signature=x");
            respond(exchange, 307, new byte[0], "text/plain");
        });
        registry.createContext("/v2/liar/manifests/", exchange -> {
            exchange.getResponseHeaders().add("Docker-Content-Digest", "sha256:" + "9".repeat(64));
            respond(exchange, 200, MANIFEST.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST);
        });
        registry.createContext("/v2/huge/manifests/", exchange ->
                respond(exchange, 200, new byte[5 << 20], MediaTypes.OCI_MANIFEST));
        registry.createContext("/v2/broken/manifests/", exchange ->
                respond(exchange, 502, "<html>Bad Gateway from the load balancer</html>".getBytes(StandardCharsets.UTF_8), "text/html"));
        registry.start();
        storage.start();
        client = new RegistryClient(RegistryOptions.defaults());
    }

    @AfterEach
    void stop() {
        client.close();
        registry.stop(0);
        storage.stop(0);
    }

    private ImageReference ref(String repositoryAndTag) {
        return ImageReference.parse("127.0.0.1:" + registry.getAddress().getPort() + "/" + repositoryAndTag);
    }

    @Test
    void blobRedirectsAreFollowedWithoutTakingCredentialsAlong() throws Exception {
        RegistryCredentials credentials = RegistryCredentials.of(ref("x:y").registry(), "user", "pw");
        try (InputStream in = client.openBlob(ref("redirected:v1"), Digest.sha256(BLOB), credentials)) {
            assertThat(in.readAllBytes()).isEqualTo(BLOB);
        }
        assertThat(authorizationSeen.get("registry")).contains(new Credential("user", "pw").basicAuthorization());
        assertThat(authorizationSeen.get("storage")).containsOnly("none");
    }

    @Test
    void aDigestHeaderThatDoesNotMatchTheManifestIsRefused() {
        assertThatThrownBy(() -> client.fetchManifest(ref("liar:v1"), "v1", RegistryCredentials.none()))
                .isInstanceOf(DigestMismatchException.class).hasMessageContaining("9".repeat(64));
    }

    @Test
    void aManifestFetchedByDigestMustHashToIt() {
        String wrong = "sha256:" + "8".repeat(64);
        assertThatThrownBy(() -> client.fetchManifest(ref("liar:v1"), wrong, RegistryCredentials.none()))
                .isInstanceOf(DigestMismatchException.class).hasMessageContaining(wrong);
    }

    @Test
    void oversizedManifestsAreRefused() {
        assertThatThrownBy(() -> client.fetchManifest(ref("huge:v1"), "v1", RegistryCredentials.none()))
                .isInstanceOf(ImageFormatException.class).hasMessageContaining("limit");
    }

    @Test
    void aNonJsonErrorBodyStillExplainsTheFailure() {
        assertThatThrownBy(() -> client.fetchManifest(ref("broken:v1"), "v1", RegistryCredentials.none()))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("registry error").contains("Bad Gateway from the load balancer");
                });
    }

    @Test
    void anUnreachableRegistryNamesItsAddress() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ImageReference nowhere = ImageReference.parse("127.0.0.1:" + closedPort + "/app:v1");
        assertThatThrownBy(() -> client.fetchManifest(nowhere, "v1", RegistryCredentials.none()))
                .isInstanceOf(ConnectException.class).hasMessageContaining("http://127.0.0.1:" + closedPort);
    }

    private void record(HttpExchange exchange, String who) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizationSeen.computeIfAbsent(who, k -> new CopyOnWriteArrayList<>()).add(authorization == null ? "none" : authorization);
    }

    private static void respond(HttpExchange exchange, int status, byte[] body, String contentType) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }
}
