package io.gantry.agent.node;

import io.gantry.agent.node.HealthCheckMessages.ServingStatus;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A gRPC health server for tests: plaintext HTTP/2 (h2c) on 127.0.0.1 answering {@code grpc.health.v1.Health/Check}
 * as grpc-java's and grpc-go's health services do: the status of a known service, grpc-status 5 (NOT_FOUND) for an
 * unknown one, grpc-status 12 (UNIMPLEMENTED) for another method. A service may be made to answer late. Its
 * {@link #main} serves a pod's probes from inside a container.
 */
final class GrpcHealthServer implements AutoCloseable {
    /** What a request carried, for tests to check the client's side of the protocol. */
    record Seen(String path, String contentType, String te, String userAgent, String service) {
    }

    private final Map<String, ServingStatus> services = new ConcurrentHashMap<>();
    private final Map<String, Long> delaysMillis = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Server server = new Server();
    private final ServerConnector connector;

    GrpcHealthServer() throws Exception {
        this("127.0.0.1", 0);
    }

    GrpcHealthServer(String host, int port) throws Exception {
        connector = new ServerConnector(server, new HTTP2CServerConnectionFactory());
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                answer(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    /**
     * Serves the server as a whole ("") on every address at port {@code args[0]}: SERVING until the file
     * {@code args[1]} appears, NOT_SERVING from then on, so that a test can make a probe fail from outside.
     */
    public static void main(String[] args) throws Exception {
        GrpcHealthServer server = new GrpcHealthServer("0.0.0.0", Integer.parseInt(args[0]));
        server.set("", ServingStatus.SERVING);
        java.nio.file.Path marker = java.nio.file.Path.of(args[1]);
        while (!java.nio.file.Files.exists(marker)) {
            Thread.sleep(200);
        }
        server.set("", ServingStatus.NOT_SERVING);
        Thread.sleep(Long.MAX_VALUE);
    }

    int port() {
        return connector.getLocalPort();
    }

    GrpcHealthServer set(String service, ServingStatus status) {
        services.put(service, status);
        return this;
    }

    GrpcHealthServer delay(String service, long millis) {
        delaysMillis.put(service, millis);
        return this;
    }

    List<Seen> seen() {
        return seen;
    }

    private void answer(Request request, Response response, Callback callback) throws Exception {
        byte[] message = HealthCheckMessages.unframe(Content.Source.asByteBuffer(request));
        String service = message == null ? "" : HealthCheckMessages.parseRequest(message);
        HttpFields headers = request.getHeaders();
        seen.add(new Seen(request.getHttpURI().getPath(), headers.get(HttpHeader.CONTENT_TYPE),
                headers.get(HttpHeader.TE), headers.get(HttpHeader.USER_AGENT), service));
        Thread.sleep(delaysMillis.getOrDefault(service, 0L));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/grpc");
        HttpFields.Mutable trailers = HttpFields.build();
        response.setTrailersSupplier(() -> trailers);
        ServingStatus status = services.get(service);
        if (!request.getHttpURI().getPath().equals(GrpcHealthProbe.PATH)) {
            trailers.put("grpc-status", "12").put("grpc-message", "unknown method");
            response.write(true, ByteBuffer.allocate(0), callback);
        } else if (status == null) {
            // grpc-message is percent-encoded: "unknown service" with its space
            trailers.put("grpc-status", "5").put("grpc-message", "unknown%20service");
            response.write(true, ByteBuffer.allocate(0), callback);
        } else {
            trailers.put("grpc-status", "0");
            response.write(true, HealthCheckMessages.response(status), callback);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
