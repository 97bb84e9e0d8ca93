package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.StatusCause;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ApiClient} over HTTPS (HTTP/1.1 with keep-alive) on Jetty's HTTP client: an agent's only connection to
 * the control plane, and thousands of simulated nodes' heartbeats and status reports go through one. JSON in and
 * out; Status answers become {@link ApiException}s with the server's code, reason and causes; a server that cannot
 * be reached is a 503 {@code ServiceUnavailable}.
 */
public final class HttpApiClient implements ApiClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** A list of every pod of a large cluster is hundreds of megabytes; Jetty's default cap is 2 MiB. */
    private static final int MAX_RESPONSE_BYTES = Integer.MAX_VALUE - 8;
    private final String server;
    private final String authorization;
    private final HttpClient http;

    /**
     * @param server      e.g. https://127.0.0.1:6443
     * @param ssl         from {@link Tls}
     * @param bearerToken null when the client certificate in {@code ssl} authenticates
     * @param userAgent   names the component, e.g. "gantry-scheduler" (the server derives field managers from it)
     */
    public HttpApiClient(String server, SSLContext ssl, String bearerToken, String userAgent) {
        this.server = server.replaceAll("/+$", "");
        this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(ssl);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("api-client");
        threads.setDaemon(true);
        // Responses are handled on virtual threads, as the server handles requests, not handed from the selector
        // to a pool thread and from there to the waiting caller: a simulated agent's thousands of small writes a
        // second cost it about a tenth less CPU this way.
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        connector.setExecutor(threads);
        this.http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
        http.setConnectTimeout(10_000);
        // watches hold a connection each for minutes; requests beyond the callers' own bounds wait in a queue
        http.setMaxConnectionsPerDestination(256);
        http.setMaxRequestsQueuedPerDestination(65_536);
        http.setFollowRedirects(false);
        // the API sets no cookies; the default store matches every request's host against its (empty) contents
        http.setHttpCookieStore(new HttpCookieStore.Empty());
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client: " + e.getMessage(), e);
        }
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

    private Request request(String method, String pathAndQuery) {
        return http.newRequest(URI.create(server + pathAndQuery)).method(method).headers(h -> {
            h.put(HttpHeader.ACCEPT, "application/json");
            if (authorization != null) {
                h.put(HttpHeader.AUTHORIZATION, authorization);
            }
        });
    }

    private Request request(String method, String pathAndQuery, String contentType, JsonNode body) {
        return request(method, pathAndQuery).body(new BytesRequestContent(contentType, Json.bytes(body)));
    }

    private ContentResponse exchange(Request request) {
        request.timeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return await(request, new CompletableResponseListener(request, MAX_RESPONSE_BYTES).send());
    }

    /** The outcome of a sent request; an interrupted wait aborts it. */
    private <T> T await(Request request, Future<T> outcome) {
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    private JsonNode send(Request request) {
        ContentResponse response = exchange(request);
        JsonNode body = parse(response.getContent());
        if (response.getStatus() / 100 != 2) {
            throw error(response.getStatus(), body, response.getContent());
        }
        return body;
    }

    /** A failed exchange as a 503; Jetty's futures wrap the real cause in an ExecutionException. */
    private ApiException unreachable(Exception e) {
        Exception cause = e instanceof ExecutionException && e.getCause() instanceof Exception c ? c : e;
        return ApiException.serviceUnavailable("cannot reach the API server at " + server + ": " + cause);
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

    @Override
    public ObjectNode get(ResourceType type, String namespace, String name) {
        return (ObjectNode) send(request("GET", path(type, namespace, name, "")));
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
        JsonNode list = send(request("GET", path(type, namespace, "", "") + query(query, false)));
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
        return (ObjectNode) send(request("POST", path(type, namespace, "", ""), "application/json", object));
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
        return (ObjectNode) send(request("PUT", path(type, meta.path("namespace").asText(""),
                meta.path("name").asText(), subresource), "application/json", object));
    }

    @Override
    public ObjectNode patch(ResourceType type, String namespace, String name, String subresource, PatchKind kind,
                            JsonNode patch) {
        return (ObjectNode) send(request("PATCH", path(type, namespace, name, subresource), kind.contentType(),
                patch));
    }

    @Override
    public void createWithoutResult(ResourceType type, String namespace, ObjectNode object) {
        sendWithoutResult(request("POST", path(type, namespace, "", ""), "application/json", object));
    }

    @Override
    public void patchWithoutResult(ResourceType type, String namespace, String name, String subresource,
                                   PatchKind kind, JsonNode patch) {
        sendWithoutResult(request("PATCH", path(type, namespace, name, subresource), kind.contentType(), patch));
    }

    private void sendWithoutResult(Request request) {
        request.timeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        StatusOnly listener = new StatusOnly();
        request.send(listener);
        int status = await(request, listener.done);
        if (status / 100 != 2) {
            byte[] body = listener.errorBody.toByteArray();
            throw error(status, parse(body), body);
        }
    }

    /**
     * Waits for a response's status alone: the body of a success (the written object, which the caller does not
     * want) is passed over as it arrives instead of being gathered into an array; an error's body, a Status, is
     * kept (up to a mebibyte) for its message.
     */
    private static final class StatusOnly implements Response.Listener {
        private static final int MAX_ERROR_BYTES = 1 << 20;
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        final ByteArrayOutputStream errorBody = new ByteArrayOutputStream();

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (response.getStatus() / 100 != 2) {
                byte[] chunk = new byte[Math.min(content.remaining(), MAX_ERROR_BYTES - errorBody.size())];
                content.get(chunk);
                errorBody.writeBytes(chunk);
            }
        }

        @Override
        public void onComplete(Result result) {
            if (result.isFailed()) {
                done.completeExceptionally(result.getFailure());
            } else {
                done.complete(result.getResponse().getStatus());
            }
        }
    }

    @Override
    public JsonNode post(ResourceType type, String namespace, String name, String subresource, ObjectNode body) {
        return send(request("POST", path(type, namespace, name, subresource), "application/json", body));
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
        return (ObjectNode) send(request("DELETE", path(type, namespace, name, ""), "application/json", body));
    }

    @Override
    public WatchHandle watch(ResourceType type, String namespace, ListQuery query, WatchListener listener) {
        // no total timeout: a watch lasts until the server ends it (timeoutSeconds) or it is closed
        Request request = request("GET", path(type, namespace, "", "") + query(query, true));
        StreamingWatch watch = new StreamingWatch(request);
        Thread.ofVirtual().name("watch " + type.groupResource()).start(() -> watch.run(listener));
        return watch;
    }

    /** One HTTP watch stream: a JSON object per event. */
    private final class StreamingWatch implements WatchHandle {
        private final Request request;
        private final InputStreamResponseListener response = new InputStreamResponseListener();
        private volatile boolean closed;

        StreamingWatch(Request request) {
            this.request = request;
        }

        void run(WatchListener listener) {
            boolean expired = false;
            Throwable failure = null;
            try {
                request.send(response);
                Response headers = response.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                InputStream body = response.getInputStream();
                if (headers.getStatus() != 200) {
                    byte[] raw = body.readAllBytes();
                    ApiException e = error(headers.getStatus(), parse(raw), raw);
                    expired = e.code() == 410;
                    failure = expired ? null : e;
                    return;
                }
                if (closed) {
                    return;
                }
                WatchEventReader events = new WatchEventReader(body, listener.projection());
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
            } catch (IOException | TimeoutException | ExecutionException e) {
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
            request.abort(new IOException("watch closed"));
            try {
                response.close();
            } catch (IOException ignored) {
                // closing a stream that already failed
            }
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping releases connections and threads; nothing is left to do if it fails
        }
    }
}
