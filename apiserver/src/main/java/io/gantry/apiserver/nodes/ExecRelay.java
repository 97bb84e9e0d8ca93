package io.gantry.apiserver.nodes;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One {@code kubectl exec} passing through the API server: the client's WebSocket (checked and authenticated
 * here) joined to a WebSocket to the node's agent, with the same channel protocol; binary messages go both ways
 * as they are, and either side closing closes the other.
 */
public final class ExecRelay implements Session.Listener.AutoDemanding {
    private static final Logger LOG = LoggerFactory.getLogger(ExecRelay.class);

    private final Function<WebSocket.Listener, CompletableFuture<WebSocket>> connectAgent;
    private final CompletableFuture<WebSocket> agent = new CompletableFuture<>();
    /** The last send to the agent: the JDK's WebSocket takes one send at a time, so each waits for the one before. */
    private CompletableFuture<?> lastSend;
    private volatile Session client;

    /** @param connectAgent opens the WebSocket to the agent with the given listener */
    public ExecRelay(Function<WebSocket.Listener, CompletableFuture<WebSocket>> connectAgent) {
        this.connectAgent = connectAgent;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        client = session;
        connectAgent.apply(new AgentListener()).whenComplete((ws, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                String why = cause instanceof java.net.http.WebSocketHandshakeException handshake
                        ? "the node's agent answered " + handshake.getResponse().statusCode() + ": "
                          + handshake.getResponse().body()
                        : "cannot reach the node's agent: " + cause.getMessage();
                LOG.info("exec: {}", why);
                agent.completeExceptionally(cause);
                session.close(StatusCode.SERVER_ERROR, why.length() > 120 ? why.substring(0, 120) : why,
                        Callback.NOOP);
            } else {
                agent.complete(ws);
            }
        });
    }

    @Override
    public synchronized void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
        CompletableFuture<?> previous = lastSend == null ? agent : lastSend;
        lastSend = previous.thenCompose(ignored -> agent).thenCompose(ws -> ws.sendBinary(copy, true));
        lastSend.whenComplete((ws, error) -> {
            if (error != null) {
                callback.fail(error);
            } else {
                callback.succeed();
            }
        });
    }

    @Override
    public synchronized void onWebSocketClose(int statusCode, String reason) {
        CompletableFuture<?> previous = lastSend == null ? agent : lastSend;
        previous.handle((r, e) -> null).thenCompose(ignored -> agent)
                .thenAccept(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null));
    }

    /** The agent's side: its messages go to the client in order, one at a time. */
    private final class AgentListener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            CompletableFuture<Void> sent = new CompletableFuture<>();
            client.sendPartialBinary(copy, last, Callback.from(() -> {
                sent.complete(null);
                webSocket.request(1);
            }, e -> {
                sent.completeExceptionally(e);
                webSocket.abort();
            }));
            return sent;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            Session s = client;
            if (s != null && s.isOpen()) {
                s.close(statusCode, reason, Callback.NOOP);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            Session s = client;
            if (s != null && s.isOpen()) {
                s.close(StatusCode.SERVER_ERROR, "the node's agent failed", Callback.NOOP);
            }
        }
    }
}
