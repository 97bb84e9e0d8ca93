package io.gantry.apiserver.security;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The credentials in use over real TLS: Jetty serving, the JDK client and the real kubectl connecting. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsKubectlTest {
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Path tmp;
    private ClusterCredentials credentials;
    private Server server;
    private String url;

    @BeforeAll
    void startServer(@TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        credentials = ClusterCredentials.loadOrCreate(tmp.resolve("data"), List.of());
        TokenAuthenticator authenticator = new TokenAuthenticator(credentials);

        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(TlsContexts.server(credentials), "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new WhoAmIHandler(authenticator));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        url = "https://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** Answers 200 to the admin token (body "ok" on /healthz) and to node certificates; 401 to anyone else. */
    private static final class WhoAmIHandler extends Handler.Abstract {
        private final TokenAuthenticator authenticator;

        WhoAmIHandler(TokenAuthenticator authenticator) {
            this.authenticator = authenticator;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            var principal = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION),
                    TlsContexts.clientCertificates(request));
            String body;
            if (principal.filter(p -> p instanceof Principal.Admin || p instanceof Principal.Node).isPresent()) {
                response.setStatus(200);
                body = Request.getPathInContext(request).equals("/healthz") ? "ok" : principal.get().name();
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            } else {
                response.setStatus(401);
                body = """
                        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
                        "message":"Unauthorized","reason":"Unauthorized","code":401}""";
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            }
            Content.Sink.write(response, true, body, callback);
            return true;
        }
    }

    @Test
    void jdkClientTrustingOnlyTheCaNeedsTheAdminToken() throws Exception {
        HttpClient client = client(trustingCa(credentials.ca(), null));

        assertThat(get(client, "/healthz", "Bearer " + credentials.adminToken()).statusCode()).isEqualTo(200);
        assertThat(get(client, "/healthz", "Bearer " + credentials.adminToken()).body()).isEqualTo("ok");
        assertThat(get(client, "/healthz", null).statusCode()).isEqualTo(401);
        assertThat(get(client, "/healthz", "Bearer wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void clientTrustingAnotherCaRefusesTheServer() throws Exception {
        ClusterCredentials other = ClusterCredentials.loadOrCreate(tmp.resolve("other"), List.of());
        HttpClient client = client(trustingCa(other.ca(), null));

        assertThatThrownBy(() -> get(client, "/healthz", "Bearer " + credentials.adminToken()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void nodeClientCertificateAuthenticatesWithoutToken() throws Exception {
        var node = credentials.issueClientCertificate("system:node:worker-7", Duration.ofHours(1));
        HttpClient client = client(trustingCa(credentials.ca(), node));

        HttpResponse<String> response = get(client, "/whoami", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("system:node:worker-7");
    }

    @Test
    void kubectlVerifiesTheCaAndSendsTheToken() throws Exception {
        Path kubeconfig = writeKubeconfig("good", credentials.adminToken());

        Result result = kubectl(kubeconfig, "get", "--raw", "/healthz");

        assertThat(result.exitCode()).as("kubectl output: %s", result.output()).isZero();
        assertThat(result.output().strip()).isEqualTo("ok");
    }

    @Test
    void kubectlWithAWrongTokenIsUnauthorized() throws Exception {
        Path kubeconfig = writeKubeconfig("bad", "not-the-token");

        Result result = kubectl(kubeconfig, "get", "--raw", "/healthz");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).containsAnyOf("Unauthorized", "must be logged in");
    }

    @Test
    void kubectlRejectsAServerItsCaDidNotSign() throws Exception {
        ClusterCredentials other = ClusterCredentials.loadOrCreate(tmp.resolve("other-ca"), List.of());
        Path kubeconfig = tmp.resolve("kubeconfig-foreign-ca");
        Kubeconfig.write(kubeconfig, Kubeconfig.render(url, other.caPem(), credentials.adminToken(), "gantry", "admin"));

        Result result = kubectl(kubeconfig, "get", "--raw", "/healthz");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("certificate signed by unknown authority");
    }

    private Path writeKubeconfig(String name, String token) {
        Path file = tmp.resolve("kubeconfig-" + name);
        Kubeconfig.write(file, Kubeconfig.render(url, credentials.caPem(), token, "gantry", "admin"));
        return file;
    }

    private record Result(int exitCode, String output) {
    }

    private Result kubectl(Path kubeconfig, String... args) throws Exception {
        if (!Files.isExecutable(KUBECTL)) {
            fail("this test needs the real kubectl at " + KUBECTL + " and it is missing");
        }
        Path home = Files.createDirectories(tmp.resolve("home"));
        List<String> command = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", kubeconfig.toString(),
                "--request-timeout=10s"));
        command.addAll(List.of(args));
        // to a file rather than a pipe, so a chatty kubectl can never block on a full pipe buffer
        Path output = Files.createTempFile(tmp, "kubectl", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        // nothing from the developer's own setup may leak in: no kubeconfig, cache or proxy
        env.keySet().removeIf(k -> k.startsWith("KUBE") || k.toLowerCase().endsWith("_proxy"));
        env.put("HOME", home.toString());
        Process process = builder.start();
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("kubectl did not finish within " + TIMEOUT);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    private HttpResponse<String> get(HttpClient client, String path, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(TIMEOUT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpClient client(SSLContext ssl) {
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(TIMEOUT)
                .build();
    }

    private static SSLContext trustingCa(java.security.cert.X509Certificate ca,
                                         ClusterCredentials.ClientCertificate clientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            char[] password = "unused".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", clientCert.key(), password, new Certificate[] {clientCert.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
