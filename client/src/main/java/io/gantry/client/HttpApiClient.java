package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.StatusCause;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/** {@link ApiClient} over HTTPS with the JDK's HTTP client, authenticated by a bearer token or a client certificate. */
public final class HttpApiClient implements ApiClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private final String server;
    private final String authorization;
    private final HttpClient http;
    private final String userAgent;

    /**
     * @param server      e.g. https://127.0.0.1:6443
     * @param ssl         from {@link Tls}
     * @param bearerToken null when the client certificate in {@code ssl} authenticates
     * @param userAgent   names the component, e.g. "gantry-scheduler" (the server derives field managers from it)
     */
    public HttpApiClient(String server, SSLContext ssl, String bearerToken, String userAgent) {
        this.server = server.replaceAll("/+$", "");
        this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
        this.userAgent = userAgent;
        this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    static String path(ResourceType type, String namespace, String name, String subresource) {
        StringBuilder p = new StringBuilder(type.group().isEmpty() ? "/api/" + type.version()
                : "/apis/" + type.group() + "/" + type.version());
        if (type.namespaced() && namespace != null && !namespace.isEmpty()) {
            p.append("/namespaces/").append(namespace);
        }
        p.append('/').append(type.plural());
        if (name != null && !name.isEmpty()) {
            p.append('/').append(name);
            if (subresource != null && !subresource.isEmpty()) {
                p.append('/').append(subresource);
            }
        }
        return p.toString();
    }

    private static String query(ListQuery q, boolean watch) {
        List<String> parts = new ArrayList<>();
        if (!q.labelSelector().isEmpty()) {
            parts.add("labelSelector=" + URLEncoder.encode(q.labelSelector(), StandardCharsets.UTF_8));
        }
        if (!q.fieldSelector().isEmpty()) {
            parts.add("fieldSelector=" + URLEncoder.encode(q.fieldSelector(), StandardCharsets.UTF_8));
        }
        if (!q.resourceVersion().isEmpty()) {
            parts.add("resourceVersion=" + URLEncoder.encode(q.resourceVersion(), StandardCharsets.UTF_8));
        }
        if (watch) {
            parts.add("watch=true");
            parts.add("allowWatchBookmarks=true");
            // Spread reconnects like Kubernetes clients do.
            parts.add("timeoutSeconds=" + (300 + ThreadLocalRandom.current().nextInt(300)));
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + pathAndQuery))
                .header("Accept", "application/json").header("User-Agent", userAgent);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<byte[]> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<byte[]> response = exchange(request);
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw error(response.statusCode(), body, response.body());
        }
        return body;
    }

    private ApiException unreachable(Exception e) {
        return ApiException.serviceUnavailable("cannot reach the API server at " + server + ": " + e);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? Json.object() : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The server's Status as an exception with the same code, reason, message and causes. */
    static ApiException error(int code, JsonNode status, byte[] raw) {
        if (status == null || !"Status".equals(status.path("kind").asText())) {
            return new ApiException(code, "Unknown", new String(raw, StandardCharsets.UTF_8), null, null, null, List.of());
        }
        List<StatusCause> causes = new ArrayList<>();
        for (JsonNode c : status.path("details").path("causes")) {
            causes.add(new StatusCause(c.path("reason").asText(null), c.path("message").asText(null),
                    c.path("field").asText(null)));
        }
        JsonNode details = status.path("details");
        return new ApiException(status.path("code").asInt(code), status.path("reason").asText("Unknown"),
                status.path("message").asText(""), details.path("group").asText(null), details.path("kind").asText(null),
                details.path("name").asText(null), causes);
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        return HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body));
    }

    @Override
    public ObjectNode get(ResourceType type, String namespace, String name) {
        return (ObjectNode) send(request(path(type, namespace, name, "")).timeout(REQUEST_TIMEOUT).GET().build());
    }

    @Override
    public Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
        try {
            return Optional.of(get(type, namespace, name));
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public ObjectList list(ResourceType type, String namespace, ListQuery query) {
        JsonNode list = send(request(path(type, namespace, "", "") + query(query, false)).timeout(REQUEST_TIMEOUT)
                .GET().build());
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            ObjectNode o = (ObjectNode) item;
            o.put("apiVersion", type.apiVersion());
            o.put("kind", type.kind());
            items.add(o);
        }
        return new ObjectList(items, list.path("metadata").path("resourceVersion").asText(""));
    }

    @Override
    public ObjectNode create(ResourceType type, String namespace, ObjectNode object) {
        return (ObjectNode) send(request(path(type, namespace, "", "")).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").POST(json(object)).build());
    }

    @Override
    public ObjectNode update(ResourceType type, ObjectNode object) {
        return put(type, object, "");
    }

    @Override
    public ObjectNode updateStatus(ResourceType type, ObjectNode object) {
        return put(type, object, "status");
    }

    private ObjectNode put(ResourceType type, ObjectNode object, String subresource) {
        JsonNode meta = object.path("metadata");
        return (ObjectNode) send(request(path(type, meta.path("namespace").asText(""), meta.path("name").asText(),
                subresource)).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .PUT(json(object)).build());
    }

    @Override
    public ObjectNode patch(ResourceType type, String namespace, String name, String subresource, PatchKind kind,
                            JsonNode patch) {
        return (ObjectNode) send(request(path(type, namespace, name, subresource)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", kind.contentType()).method("PATCH", json(patch)).build());
    }

    @Override
    public void createWithoutResult(ResourceType type, String namespace, ObjectNode object) {
        sendWithoutResult(request(path(type, namespace, "", "")).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").POST(json(object)).build());
    }

    @Override
    public void patchWithoutResult(ResourceType type, String namespace, String name, String subresource,
                                   PatchKind kind, JsonNode patch) {
        sendWithoutResult(request(path(type, namespace, name, subresource))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", kind.contentType()).method("PATCH", json(patch))
                .build());
    }

    private void sendWithoutResult(HttpRequest request) {
        HttpResponse<byte[]> response = exchange(request);
        if (response.statusCode() / 100 != 2) {
            throw error(response.statusCode(), parse(response.body()), response.body());
        }
    }

    @Override
    public JsonNode post(ResourceType type, String namespace, String name, String subresource, ObjectNode body) {
        return send(request(path(type, namespace, name, subresource)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").POST(json(body)).build());
    }

    @Override
    public ObjectNode delete(ResourceType type, String namespace, String name, DeleteRequest options) {
        ObjectNode body = Json.object().put("kind", "DeleteOptions").put("apiVersion", "v1");
        if (options.gracePeriodSeconds() != null) {
            body.put("gracePeriodSeconds", options.gracePeriodSeconds());
        }
        if (options.propagationPolicy() != null) {
            body.put("propagationPolicy", options.propagationPolicy());
        }
        if (options.preconditionUid() != null) {
            body.putObject("preconditions").put("uid", options.preconditionUid());
        }
        return (ObjectNode) send(request(path(type, namespace, name, "")).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").method("DELETE", json(body)).build());
    }

    @Override
    public WatchHandle watch(ResourceType type, String namespace, ListQuery query, WatchListener listener) {
        HttpRequest request = request(path(type, namespace, "", "") + query(query, true)).GET().build();
        StreamingWatch watch = new StreamingWatch();
        Thread.ofVirtual().name("watch " + type.groupResource()).start(() -> watch.run(request, listener));
        return watch;
    }

    /** One HTTP watch stream: a line of JSON per event. */
    private final class StreamingWatch implements WatchHandle {
        private volatile boolean closed;
        private volatile InputStream body;

        void run(HttpRequest request, WatchListener listener) {
            boolean expired = false;
            Throwable failure = null;
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                body = response.body();
                if (response.statusCode() != 200) {
                    byte[] raw = response.body().readAllBytes();
                    ApiException e = error(response.statusCode(), parse(raw), raw);
                    expired = e.code() == 410;
                    failure = expired ? null : e;
                    return;
                }
                if (closed) {
                    return;
                }
                WatchEventReader events = new WatchEventReader(body, listener.wantsManagedFields());
                WatchEventReader.Event event;
                while (!closed && (event = events.next()) != null) {
                    JsonNode object = event.object() == null ? Json.object() : event.object();
                    if (event.type().equals("ERROR")) {
                        expired = object.path("code").asInt() == 410;
                        if (!expired) {
                            failure = error(object.path("code").asInt(500), object, new byte[0]);
                        }
                        return;
                    }
                    listener.onEvent(WatchListener.EventType.valueOf(event.type()), (ObjectNode) object);
                }
            } catch (IOException e) {
                failure = closed ? null : unreachable(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                close();
                listener.onClose(expired, failure);
            }
        }

        @Override
        public void close() {
            closed = true;
            InputStream stream = body;
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // closing a stream that already failed
                }
            }
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
