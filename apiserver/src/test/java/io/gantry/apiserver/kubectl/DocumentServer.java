package io.gantry.apiserver.kubectl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.apiserver.discovery.Discovery;
import io.gantry.apiserver.openapi.OpenApiV3;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A plain-HTTP server on 127.0.0.1 that serves only discovery and OpenAPI documents; 404 Status otherwise. */
final class DocumentServer implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param aggregated whether to honour requests for aggregated discovery; false answers legacy discovery
     *                   whatever the client asks for
     */
    DocumentServer(Discovery discovery, OpenApiV3 openApi, boolean aggregated) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                String accept = request.getHeaders().get(HttpHeader.ACCEPT);
                String query = request.getHttpURI().getQuery();
                requests.add(request.getMethod() + " " + path + (query == null ? "" : "?" + query) + " [" + accept + "]");
                Optional<Discovery.Answer> answer = discovery.answer(path, aggregated ? accept : null);
                if (answer.isPresent()) {
                    send(response, callback, 200, answer.get().contentType(), answer.get().bytes());
                } else if (path.equals("/openapi/v3") || path.equals("/openapi/v3/")) {
                    send(response, callback, 200, "application/json", openApi.index());
                } else if (path.startsWith("/openapi/v3/") && openApi.document(path.substring(12)).isPresent()) {
                    send(response, callback, 200, "application/json", openApi.document(path.substring(12)).get());
                } else {
                    ObjectNode status = ApiException.notFound("the server could not find the requested resource")
                            .toStatus();
                    send(response, callback, 404, "application/json", Json.bytes(status));
                }
                return true;
            }
        });
        server.start();
    }

    private static void send(Response response, Callback callback, int code, String contentType, byte[] body) {
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
