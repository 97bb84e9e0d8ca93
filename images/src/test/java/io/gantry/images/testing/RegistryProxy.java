package io.gantry.images.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.images.oci.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in in front of a {@link TestRegistry} on its own {@code 127.0.0.1} port, for what the real registry
 * cannot easily do in a test:
 * <ul>
 * <li>token authentication (the distribution spec's Bearer flow, which the real registry only offers with a
 * whole token service): {@code /token} issues opaque tokens, checking Basic credentials if configured and
 * recording the scopes asked for; {@code /v2/...} answers requests without a valid token with 401 and
 * {@code WWW-Authenticate: Bearer realm="http://HOST/token",service="gantry-test",scope="repository:NAME:pull"};</li>
 * <li>a delay before every forwarded request, so that concurrent clients surely overlap.</li>
 * </ul>
 * Requests that pass are forwarded to the registry, whose access log still counts them.
 * <pre>{@code
 * try (RegistryProxy proxy = RegistryProxy.to(registry).bearerTokens("alice", "pw").start()) {
 *     service.pull(proxy.reference("app:v1"), RegistryCredentials.of(proxy.host(), "alice", "pw"));
 * }
 * }</pre>
 */
public final class RegistryProxy implements AutoCloseable {
    /** How the proxy behaves; made with {@link RegistryProxy#to}. */
    public static final class Builder {
        private final TestRegistry upstream;
        private boolean bearer;
        private String user;
        private String password;
        private Duration delay = Duration.ZERO;
        private Duration tokenLifetime = Duration.ofMinutes(5);

        private Builder(TestRegistry upstream) {
            this.upstream = upstream;
        }

        /** Demand Bearer tokens, which {@code /token} hands to anyone. */
        public Builder bearerTokens() {
            this.bearer = true;
            return this;
        }

        /** Demand Bearer tokens, which {@code /token} hands out only for this user and password. */
        public Builder bearerTokens(String tokenUser, String tokenPassword) {
            this.bearer = true;
            this.user = tokenUser;
            this.password = tokenPassword;
            return this;
        }

        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /** Wait this long before forwarding each request. */
        public Builder delay(Duration perRequest) {
            this.delay = perRequest;
            return this;
        }

        public RegistryProxy start() throws IOException {
            return new RegistryProxy(this);
        }
    }

    public static final String SERVICE = "gantry-test";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient upstreamClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String upstream;
    private final boolean bearer;
    private final String user;
    private final String password;
    private final Duration tokenLifetime;
    private final Duration delay;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final List<String> requestedScopes = new CopyOnWriteArrayList<>();
    private final AtomicInteger challenges = new AtomicInteger();

    private RegistryProxy(Builder builder) throws IOException {
        this.upstream = builder.upstream.host();
        this.bearer = builder.bearer;
        this.user = builder.user;
        this.password = builder.password;
        this.tokenLifetime = builder.tokenLifetime;
        this.delay = builder.delay;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::proxy);
        server.start();
    }

    /** A proxy for {@code upstream}; by default it forwards everything at once, without authentication. */
    public static Builder to(TestRegistry upstream) {
        return new Builder(upstream);
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public ImageReference reference(String repositoryAndTag) {
        return ImageReference.parse(host() + "/" + repositoryAndTag);
    }

    /** The {@code scope} parameters of every token request so far, in order. */
    public List<String> tokenRequests() {
        return List.copyOf(requestedScopes);
    }

    /** How many 401 challenges the registry side has sent. */
    public int challenges() {
        return challenges.get();
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
            for (String param : query.split("&")) {
                if (param.startsWith("scope=")) {
                    requestedScopes.add(URLDecoder.decode(param.substring(6), StandardCharsets.UTF_8));
                }
            }
            if (user != null) {
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    send(exchange, 401, "{\"details\":\"incorrect username or password\"}");
                    return;
                }
            }
            String token = UUID.randomUUID().toString();
            tokens.add(token);
            send(exchange, 200, "{\"token\":\"" + token + "\",\"expires_in\":" + tokenLifetime.toSeconds() + "}");
        }
    }

    private void proxy(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (bearer && (authorization == null || !authorization.startsWith("Bearer ") || !tokens.contains(authorization.substring(7)))) {
                challenges.incrementAndGet();
                String path = exchange.getRequestURI().getPath();
                String scope = repositoryOf(path).map(name -> ",scope=\"repository:" + name + ":pull\"").orElse("");
                exchange.getResponseHeaders().add("WWW-Authenticate",
                        "Bearer realm=\"http://" + host() + "/token\",service=\"" + SERVICE + "\"" + scope);
                send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
                return;
            }
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            forward(exchange);
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        URI target = URI.create("http://" + upstream + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : List.of("Accept", "Content-Type")) {
            List<String> values = exchange.getRequestHeaders().get(header);
            if (values != null) {
                values.forEach(v -> request.header(header, v));
            }
        }
        HttpResponse<InputStream> response;
        try {
            response = upstreamClient.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            String name = header.getKey();
            if (Set.of("content-type", "docker-content-digest", "docker-distribution-api-version", "location").contains(name.toLowerCase())) {
                header.getValue().forEach(v -> exchange.getResponseHeaders().add(name, v.replace(upstream, host())));
            }
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
        if (head) {
            response.headers().firstValue("Content-Length").ifPresent(v -> exchange.getResponseHeaders().add("Content-Length", v));
        }
        exchange.sendResponseHeaders(response.statusCode(), head || length == 0 ? -1 : length);
        try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                in.transferTo(out);
            }
        }
    }

    /** {@code /v2/a/b/manifests/x} → {@code a/b}. */
    private static Optional<String> repositoryOf(String path) {
        String rest = path.substring("/v2/".length());
        for (String marker : List.of("/manifests/", "/blobs/", "/tags/")) {
            int at = rest.lastIndexOf(marker);
            if (at > 0) {
                return java.util.Optional.of(rest.substring(0, at));
            }
        }
        return java.util.Optional.empty();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
        upstreamClient.close();
    }
}
