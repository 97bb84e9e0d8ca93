package io.gantry.apiserver.join;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.Json;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.apiserver.security.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /gantry/v1/join: who may call it, what it refuses, and that the certificate it issues works. */
class JoinEndpointTest {
    @TempDir
    static Path tmp;
    static ApiServer server;

    record Reply(int status, JsonNode body) {
    }

    @BeforeAll
    static void start() {
        server = ApiServer.start(ServerConfig.defaults(tmp).withPort(0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static String publicPem(KeyPair keys) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static SSLContext ssl(X509Certificate clientCert, PrivateKey key) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", server.credentials().ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", key, new char[0], new Certificate[] {clientCert});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

    static Reply send(SSLContext ssl, String token, String method, String path, String body) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(response.body());
            return new Reply(response.statusCode(), json);
        }
    }

    static Reply join(String token, String body) throws Exception {
        return send(ssl(null, null), token, "POST", JoinHandler.PATH, body);
    }

    static String body(String nodeName, String publicKey) {
        return Json.object().put("nodeName", nodeName).put("publicKey", publicKey).toString();
    }

    @Test
    void joinIssuesANodeCertificateThatChainsToTheCaAndCanUseTheApi() throws Exception {
        KeyPair keys = p256();
        Reply reply = join(server.credentials().joinToken(), body("sim-host1", publicPem(keys)));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("ca").asText()).isEqualTo(server.credentials().caPem());

        X509Certificate cert = Pem.decodeCertificate(reply.body().path("certificate").asText());
        cert.verify(server.credentials().ca().getPublicKey());
        cert.checkValidity();
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        assertThat(IETFUtils.valueToString(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue()))
                .isEqualTo("system:node:sim-host1");
        assertThat(IETFUtils.valueToString(subject.getRDNs(BCStyle.O)[0].getFirst().getValue()))
                .isEqualTo("system:nodes");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(364), Duration.ofDays(366));

        Reply namespaces = send(ssl(cert, keys.getPrivate()), null, "GET", "/api/v1/namespaces", null);
        assertThat(namespaces.status()).isEqualTo(200);
        assertThat(namespaces.body().path("items").findValuesAsText("name")).contains("default");
    }

    @Test
    void adminMayJoinToo() throws Exception {
        assertThat(join(server.credentials().adminToken(), body("by-admin", publicPem(p256()))).status())
                .isEqualTo(200);
    }

    @Test
    void joinTokenIsRefusedEverywhereElse() throws Exception {
        Reply reply = send(ssl(null, null), server.credentials().joinToken(), "GET", "/api/v1/namespaces", null);
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body().path("kind").asText()).isEqualTo("Status");
    }

    @Test
    void unauthenticatedAndWrongTokenAre401() throws Exception {
        assertThat(join(null, body("n1", publicPem(p256()))).status()).isEqualTo(401);
        assertThat(join("not-the-token", body("n1", publicPem(p256()))).status()).isEqualTo(401);
    }

    @Test
    void aNodeMayNotMintIdentities() throws Exception {
        var node = server.credentials().issueClientCertificate("system:node:existing", Duration.ofHours(1));
        Reply reply = send(ssl(node.certificate(), node.key()), null, "POST", JoinHandler.PATH,
                body("other", publicPem(p256())));
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body().path("reason").asText()).isEqualTo("Forbidden");
    }

    @Test
    void badInputIs400() throws Exception {
        String token = server.credentials().joinToken();
        String key = publicPem(p256());
        assertThat(join(token, body("Not_A_Name", key)).status()).isEqualTo(400);
        assertThat(join(token, body("", key)).status()).isEqualTo(400);
        assertThat(join(token, Json.object().put("nodeName", "n1").toString()).status()).isEqualTo(400);
        assertThat(join(token, body("n1", "garbage")).status()).isEqualTo(400);
        assertThat(join(token, body("n1", server.credentials().caPem())).status()).isEqualTo(400);
        assertThat(join(token, "{not json").status()).isEqualTo(400);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Reply reply = join(token, body("n1", publicPem(rsa.generateKeyPair())));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().path("reason").asText()).isEqualTo("BadRequest");
        assertThat(send(ssl(null, null), token, "GET", JoinHandler.PATH, null).status()).isEqualTo(405);
    }

    @Test
    void tokenWithCaHashCarriesTheCaKeyDigest() {
        String full = JoinTokens.withCaHash(server.credentials());
        assertThat(full).startsWith(server.credentials().joinToken() + ":sha256:");
        assertThat(full.substring(full.indexOf(':') + 1)).matches("sha256:[0-9a-f]{64}");
    }
}
