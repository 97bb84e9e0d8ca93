package io.gantry.apiserver.http;

import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.apiserver.discovery.Discovery;
import io.gantry.apiserver.join.JoinHandler;
import io.gantry.apiserver.openapi.OpenApiV3;
import io.gantry.apiserver.security.Principal;
import io.gantry.apiserver.security.TlsContexts;
import io.gantry.apiserver.security.TokenAuthenticator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The root of the HTTP API: authenticates every request, then routes it to health checks, discovery,
 * OpenAPI or the resource handler, and turns every failure into a Kubernetes {@code Status}.
 * Handlers block; Jetty runs them on virtual threads.
 */
public final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private final TokenAuthenticator authenticator;
    private final Discovery discovery;
    private final OpenApiV3 openApi;
    private final ResourceHandler resources;
    private final BooleanSupplier ready;
    private final RequestMetrics metrics;
    private final JoinHandler join;

    public ApiHandler(TokenAuthenticator authenticator, Discovery discovery, OpenApiV3 openApi,
                      ResourceHandler resources, BooleanSupplier ready, RequestMetrics metrics, JoinHandler join) {
        this.metrics = metrics;
        this.join = join;
        this.authenticator = authenticator;
        this.discovery = discovery;
        this.openApi = openApi;
        this.resources = resources;
        this.ready = ready;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        HttpExchange ex = new HttpExchange(request, response, callback);
        String resource = "";
        try {
            authorize(ex);
            resource = route(ex);
        } catch (ApiException e) {
            sendStatus(ex, e);
        } catch (Exception | LinkageError e) {
            LOG.warn("{} {} failed", ex.method(), ex.path(), e);
            sendStatus(ex, ApiException.internal(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        if (ex.handedOff()) {
            return true;
        }
        if (!"WATCH".equals(resource)) {
            metrics.record(ex.method(), resource, response.getStatus(), java.time.Duration.ofNanos(System.nanoTime() - started));
        }
        try {
            ex.finish();
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
        return true;
    }

    private void authorize(HttpExchange ex) {
        Optional<Principal> principal = authenticator.authenticate(ex.header(HttpHeader.AUTHORIZATION),
                TlsContexts.clientCertificates(ex.request()));
        if (principal.isEmpty() || principal.get() instanceof Principal.Anonymous) {
            throw ApiException.unauthorized();
        }
        boolean joining = JoinHandler.PATH.equals(ex.path());
        if (principal.get() instanceof Principal.Joiner && !joining) {
            throw ApiException.forbidden("the join token may only be used to join a node");
        }
        if (joining && !JoinHandler.mayJoin(principal.get())) {
            throw ApiException.forbidden("User \"" + principal.get().name() + "\" cannot join a node: only the"
                    + " join token may");
        }
        // Everyone else (admin, nodes, other CA-signed users) may use the whole API for now: there is no RBAC yet.
    }

    /** Serves the request; returns the resource name for metrics ("WATCH" for watches, not timed). */
    private String route(HttpExchange ex) throws IOException {
        String path = ex.path();
        switch (path) {
            case "/livez", "/healthz" -> {
                ex.sendText(200, "ok");
                return "healthz";
            }
            case "/readyz" -> {
                if (ready.getAsBoolean()) {
                    ex.sendText(200, "ok");
                } else {
                    ex.sendText(503, "not ready");
                }
                return "readyz";
            }
            case "/metrics" -> {
                ex.send(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return "metrics";
            }
            case JoinHandler.PATH -> {
                join.handle(ex);
                return "join";
            }
            case "/openapi/v3", "/openapi/v3/" -> {
                ex.send(200, "application/json", openApi.index());
                return "openapi";
            }
            default -> {
            }
        }
        if (path.startsWith("/openapi/v3/")) {
            byte[] doc = openApi.document(path.substring("/openapi/v3/".length()))
                    .orElseThrow(() -> ApiException.notFound("the server could not find the requested resource"));
            ex.send(200, "application/json", doc);
            return "openapi";
        }
        if (path.startsWith("/api") || path.equals("/version") || path.equals("/version/")) {
            Optional<Discovery.Answer> answer = "GET".equals(ex.method())
                    ? discovery.answer(path, ex.header(HttpHeader.ACCEPT)) : Optional.empty();
            if (answer.isPresent()) {
                ex.send(200, answer.get().contentType(), answer.get().bytes());
                return "discovery";
            }
            Optional<RequestInfo> info = RequestInfo.parse(resources.service().registry(), path);
            if (info.isPresent()) {
                resources.handle(ex, info.get());
                return ex.queryFlag("watch") ? "WATCH" : info.get().type().groupResource()
                        + (info.get().subresource().isEmpty() ? "" : "/" + info.get().subresource());
            }
        }
        throw ApiException.notFound("the server could not find the requested resource");
    }

    private static void sendStatus(HttpExchange ex, ApiException e) {
        if (ex.committed()) {
            return;
        }
        ex.discardUnreadBody();
        try {
            if (e.retryAfterSeconds() != null) {
                ex.header(HttpHeader.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
            }
            ex.send(e.code(), "application/json", Json.bytes(e.toStatus()));
        } catch (IOException io) {
            LOG.debug("could not send status", io);
        }
    }
}
