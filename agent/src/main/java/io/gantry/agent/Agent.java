package io.gantry.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.client.ApiClient;
import io.gantry.client.HttpApiClient;
import io.gantry.client.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Entry point of the agent: joining a cluster. The agent generates its own EC P-256 key, sends only the public
 * half with the join token to {@code POST /gantry/v1/join}, and from then on authenticates by mutual TLS with the
 * certificate it got back (never with a token). Key and certificates are kept in the data directory and reused
 * on restart, so the join token is only needed once (and again within 30 days of the certificate's expiry).
 */
public final class Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    static final String JOIN_PATH = "/gantry/v1/join";

    private Agent() {
    }

    /** What joining yields; closing it closes the client. */
    public record Joined(AgentCredentials credentials, ApiClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    /** Joins as {@link AgentConfig#defaultSimulatorName()}. */
    public static Joined join(String serverUrl, String joinToken, Path dataDir, Path caFileOrNull) {
        return join(new AgentConfig(serverUrl, joinToken, AgentConfig.defaultSimulatorName(), dataDir, caFileOrNull));
    }

    public static Joined join(AgentConfig config) {
        AgentCredentials credentials = AgentCredentials.load(config.dataDir(), config.agentName(), Instant.now())
                .map(saved -> {
                    LOG.info("reusing the identity system:node:{} from {}", config.agentName(), config.dataDir());
                    return saved;
                })
                .orElseGet(() -> {
                    AgentCredentials fresh = requestCertificate(config);
                    fresh.save(config.dataDir());
                    LOG.info("joined {} as system:node:{}", config.serverUrl(), config.agentName());
                    return fresh;
                });
        return new Joined(credentials, client(config.serverUrl(), credentials));
    }

    /** A client authenticated by the agent's certificate. */
    public static ApiClient client(String serverUrl, AgentCredentials credentials) {
        return new HttpApiClient(serverUrl,
                Tls.withClientCertificate(credentials.caPem(), credentials.certificatePem(), credentials.keyPem()),
                null, "gantry-agent/" + credentials.identity());
    }

    static AgentCredentials requestCertificate(AgentConfig config) {
        if (config.joinToken() == null || config.joinToken().isBlank()) {
            throw new IllegalArgumentException("not joined yet and no join token given");
        }
        JoinToken token = JoinToken.parse(config.joinToken());
        String caPem = trustedCa(config, token);
        KeyPair keys = Pems.newP256KeyPair();
        ObjectNode body = Json.object().put("nodeName", config.agentName()).put("publicKey", Pems.publicKey(keys));
        JsonNode answer = post(config.serverUrl(), caPem, token.secret(), body);
        String certificate = answer.path("certificate").asText("");
        if (certificate.isEmpty()) {
            throw new IllegalStateException("the join answer holds no certificate");
        }
        X509Certificate cert = Pems.certificates(certificate).getFirst();
        if (!cert.getPublicKey().equals(keys.getPublic())) {
            throw new IllegalStateException("the server issued a certificate for another key");
        }
        return new AgentCredentials(config.agentName(), caPem, certificate, Pems.privateKey(keys));
    }

    private static String trustedCa(AgentConfig config, JoinToken token) {
        if (config.caFile() == null) {
            return CaDiscovery.discover(config.serverUrl(), token.caHash());
        }
        String pem;
        try {
            pem = Files.readString(config.caFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + config.caFile(), e);
        }
        List<X509Certificate> cas = Pems.certificates(pem);
        if (token.caHash() != null && cas.stream().noneMatch(c -> Pems.publicKeyHash(c).equals(token.caHash()))) {
            throw new IllegalStateException(config.caFile() + " does not hold the CA named by the join token's hash");
        }
        return pem;
    }

    private static JsonNode post(String serverUrl, String caPem, String secret, ObjectNode body) {
        try (HttpClient http = HttpClient.newBuilder().sslContext(Tls.trusting(caPem))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(serverUrl.replaceAll("/+$", "") + JOIN_PATH))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + secret)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = response.body().length == 0 ? Json.object() : Json.MAPPER.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new ApiException(response.statusCode(), answer.path("reason").asText("Unknown"),
                        "join refused: " + answer.path("message").asText(new String(response.body())),
                        null, null, null, List.of());
            }
            return answer;
        } catch (IOException e) {
            throw ApiException.serviceUnavailable("cannot reach the API server at " + serverUrl + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.serviceUnavailable("interrupted while joining");
        }
    }
}
