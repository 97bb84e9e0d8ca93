package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledged writes survive SIGKILL: clients create objects through the HTTPS API while the server is killed;
 * after a restart every acknowledged object is there and the store serves consistent lists.
 */
class CrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void acknowledgedCreatesSurviveKill9() throws Exception {
        Path data = tmp.resolve("data");
        GantryProcess gantry = GantryProcess.start(data);
        int port = gantry.port();
        HttpClient client = client(data);
        String token = Files.readString(data.resolve("tokens/admin.token")).trim();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] writers = new Thread[4];
        for (int w = 0; w < writers.length; w++) {
            int writer = w;
            writers[w] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100_000 && !stop.get(); i++) {
                    String name = "w" + writer + "-" + i;
                    try {
                        HttpResponse<String> r = client.send(create(port, token, name), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 201) {
                            acknowledged.add(name);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (acknowledged.size() < 400 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        gantry.kill();
        stop.set(true);
        for (Thread t : writers) {
            t.join(Duration.ofSeconds(30));
        }
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(400);

        try (GantryProcess restarted = GantryProcess.start(data, port)) {
            Set<String> stored = new HashSet<>();
            String continueToken = "";
            String firstVersion = null;
            do {
                HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                                + "/api/v1/namespaces/default/configmaps?limit=137"
                                + (continueToken.isEmpty() ? "" : "&continue=" + continueToken)))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                JsonNode list = JSON.readTree(page.body());
                list.path("items").forEach(i -> stored.add(i.at("/metadata/name").asText()));
                continueToken = list.at("/metadata/continue").asText("");
                firstVersion = firstVersion == null ? list.at("/metadata/resourceVersion").asText() : firstVersion;
            } while (!continueToken.isEmpty());
            assertThat(stored).containsAll(acknowledged);
            assertThat(Long.parseLong(firstVersion)).isGreaterThanOrEqualTo(acknowledged.size());
            // The restarted server accepts new writes after the recovered ones.
            HttpResponse<String> more = client.send(create(port, token, "after-restart"), HttpResponse.BodyHandlers.ofString());
            assertThat(more.statusCode()).isEqualTo(201);
        }
    }

    private static HttpRequest create(int port, String token, String name) {
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\"},\"data\":{\"n\":\"" + name + "\"}}";
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/namespaces/default/configmaps"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static HttpClient client(Path dataDir) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = new FileInputStream(dataDir.resolve("pki/ca.crt").toFile())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }
}
