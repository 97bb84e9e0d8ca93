package io.gantry.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One request and its response, with blocking helpers (handlers run on virtual threads). */
public final class HttpExchange {
    /** Kubernetes refuses request bodies over 3 MiB. */
    static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
    /** How much of a rejected body is read (and dropped) to keep the connection usable. */
    static final long MAX_DRAINED_BYTES = 16L * 1024 * 1024;

    private final Request request;
    private final Response response;
    private final org.eclipse.jetty.util.Callback callback;
    private final Fields query;
    private boolean handedOff;
    private OutputStream out;
    private boolean bodyRead;

    HttpExchange(Request request, Response response, org.eclipse.jetty.util.Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.query = Request.extractQueryParameters(request);
    }

    /**
     * Upgrades to a WebSocket whose endpoint {@code creator} makes; the connection then belongs to the endpoint.
     *
     * @return false when the request is no WebSocket upgrade
     */
    public boolean upgradeToWebSocket(org.eclipse.jetty.websocket.server.WebSocketCreator creator) {
        var container = org.eclipse.jetty.websocket.server.ServerWebSocketContainer.get(request.getContext());
        if (container == null || !container.upgrade(creator, request, response, callback)) {
            return false;
        }
        handedOff = true;
        return true;
    }

    /** Whether the connection went to a WebSocket endpoint: the handler must not answer or complete it. */
    boolean handedOff() {
        return handedOff;
    }

    public Request request() {
        return request;
    }

    public String method() {
        return request.getMethod();
    }

    public String path() {
        return request.getHttpURI().getDecodedPath();
    }

    public String header(HttpHeader header) {
        return request.getHeaders().get(header);
    }

    public String header(String header) {
        return request.getHeaders().get(header);
    }

    public String query(String name) {
        Fields.Field f = query.get(name);
        return f == null ? null : f.getValue();
    }

    public List<String> queryValues(String name) {
        Fields.Field f = query.get(name);
        return f == null ? List.of() : f.getValues();
    }

    public boolean queryFlag(String name) {
        String v = query(name);
        return v != null && (v.isEmpty() || v.equals("true") || v.equals("1"));
    }

    public byte[] body() throws IOException {
        bodyRead = true;
        long declared = request.getLength();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared > MAX_BODY_BYTES) {
                drain(in, 0);
                throw ApiException.tooLarge("the request body is too large (limit: 3 MiB)");
            }
            if (declared >= 0) {
                // Jetty delivers no more than the Content-Length: read straight into an array of that size
                return in.readNBytes((int) declared);
            }
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
            byte[] chunk = new byte[16384];
            int n;
            while ((n = in.read(chunk)) > 0) {
                buffer.write(chunk, 0, n);
                if (buffer.size() > MAX_BODY_BYTES) {
                    drain(in, buffer.size());
                    throw ApiException.tooLarge("the request body is too large (limit: 3 MiB)");
                }
            }
            return buffer.toByteArray();
        }
    }

    /**
     * Reads and drops a request body that the handler rejected before reading. Left unread, Jetty closes the
     * connection after the response, and a client that already reused the connection for its next request
     * sees it die with no answer.
     */
    void discardUnreadBody() {
        if (bodyRead) {
            return;
        }
        bodyRead = true;
        try (InputStream in = Content.Source.asInputStream(request)) {
            drain(in, 0);
        } catch (IOException e) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /**
     * Reads the rest of a body and drops it, so that a client still sending it gets to read the answer (the JDK's
     * client, for one, fails the exchange when the connection closes under an unfinished upload). A body beyond
     * {@link #MAX_DRAINED_BYTES} is not worth reading: the connection closes after the answer instead.
     */
    private void drain(InputStream in, long alreadyRead) {
        if (request.getLength() > MAX_DRAINED_BYTES) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            return;
        }
        byte[] chunk = new byte[16384];
        long total = alreadyRead;
        try {
            int n;
            while ((n = in.read(chunk)) > 0) {
                total += n;
                if (total > MAX_DRAINED_BYTES) {
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    return;
                }
            }
        } catch (IOException e) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    public void addWarning(String text) {
        response.getHeaders().add(new HttpField(HttpHeader.WARNING, "299 - \"" + text.replace("\"", "\\\"") + "\""));
    }

    public void header(HttpHeader header, String value) {
        response.getHeaders().put(header, value);
    }

    /** Sends a complete response. */
    public void send(int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        OutputStream stream = stream();
        stream.write(body);
        stream.flush();
    }

    public void sendJson(int status, JsonNode body) throws IOException {
        send(status, "application/json", Json.bytes(body));
    }

    public void sendText(int status, String text) throws IOException {
        send(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Starts a streamed response (watch): no Content-Length, so Jetty uses chunked encoding. Writes are
     * buffered until {@code flush()}, so several events written together leave as one chunk and one TLS
     * record instead of one per write.
     */
    public OutputStream startStream(int status, String contentType) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        out = new java.io.BufferedOutputStream(stream(), 64 * 1024);
        return out;
    }

    public boolean clientGone() {
        return !request.getConnectionMetaData().getConnection().getEndPoint().isOpen();
    }

    private OutputStream stream() {
        if (out == null) {
            out = Content.Sink.asOutputStream(response);
        }
        return out;
    }

    boolean committed() {
        return response.isCommitted();
    }

    void finish() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
