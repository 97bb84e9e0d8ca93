package io.gantry.agent.node;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * A {@code grpc} probe: one call of {@code grpc.health.v1.Health/Check} on a new plaintext HTTP/2 connection (h2c
 * with prior knowledge, no TLS), as the kubelet's prober makes it. It passes only when the call ends with
 * grpc-status 0 and the response says SERVING; every failure reads as the kubelet words it, since users match
 * those messages in events.
 */
final class GrpcHealthProbe {
    static final String PATH = "/grpc.health.v1.Health/Check";

    /** gRPC's status codes by number, named as grpc-go prints them. */
    private static final String[] CODES = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
        "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
        "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"};
    private static final int UNKNOWN = 2;
    private static final int DEADLINE_EXCEEDED = 4;
    private static final int PERMISSION_DENIED = 7;
    private static final int UNIMPLEMENTED = 12;
    private static final int INTERNAL = 13;
    private static final int UNAVAILABLE = 14;
    private static final int UNAUTHENTICATED = 16;

    private GrpcHealthProbe() {
    }

    /** One client for every probe of the node, started with the first: its threads are few and daemons. */
    private static final class Shared {
        static final HTTP2Client CLIENT = start();

        private static HTTP2Client start() {
            QueuedThreadPool threads = new QueuedThreadPool(8, 1);
            threads.setName("grpc-probes");
            threads.setDaemon(true);
            ClientConnector connector = new ClientConnector();
            connector.setExecutor(threads);
            connector.setScheduler(new ScheduledExecutorScheduler("grpc-probes-scheduler", true));
            connector.setSelectors(1);
            HTTP2Client client = new HTTP2Client(connector);
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the HTTP/2 client of grpc probes", e);
            }
            return client;
        }
    }

    /** Checks {@code service} ("" for the server as a whole) at {@code host:port} within {@code timeout}. */
    static Prober.Result check(String host, int port, String service, Duration timeout) throws InterruptedException {
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        long deadline = System.nanoTime() + timeout.toNanos();
        Call call = new Call(timeout);
        CompletableFuture<Session> connecting = Shared.CLIENT.connect(new InetSocketAddress(host, port), call);
        // whenever the connection comes, even after the deadline, it is closed once the call is over
        connecting.thenAccept(session -> call.outcome.whenComplete((r, f) ->
                session.close(ErrorCode.NO_ERROR.code, null, Callback.NOOP)));
        try {
            Session session = connecting.get(remaining(deadline), TimeUnit.NANOSECONDS);
            session.newStream(new HeadersFrame(request(address, timeout), null, false), call)
                    .thenCompose(stream -> stream.data(new DataFrame(stream.getId(),
                            HealthCheckMessages.request(service), true)))
                    .whenComplete((stream, failure) -> {
                        if (failure != null) {
                            call.fail(UNAVAILABLE, failure.toString());
                        }
                    });
            return call.outcome.get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // grpc-go's dial waits for the server's HTTP/2 settings: a server that never sent them was not reached
            return Prober.Result.failed(call.settled ? "timeout: health rpc did not complete within " + go(timeout)
                    : connectTimeout(address, timeout));
        } catch (ExecutionException e) {
            // The kubelet's dial blocks and retries until the deadline, so a refused connection reads as a
            // timeout there; here it is reported as soon as it is refused, in the same words.
            return Prober.Result.failed(connectTimeout(address, timeout));
        } finally {
            call.outcome.complete(null);
        }
    }

    private static String connectTimeout(String address, Duration timeout) {
        return "timeout: failed to connect service \"" + address + "\" within " + go(timeout)
                + ": context deadline exceeded";
    }

    private static MetaData.Request request(String address, Duration timeout) {
        HttpFields fields = HttpFields.build()
                .put(HttpHeader.CONTENT_TYPE, "application/grpc")
                .put(HttpHeader.TE, "trailers")
                .put(HttpHeader.USER_AGENT, Prober.USER_AGENT)
                .put("grpc-timeout", Math.max(1, timeout.toMillis()) + "m");
        return new MetaData.Request("POST", HttpURI.build("http://" + address + PATH), HttpVersion.HTTP_2, fields);
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** A duration as Go's {@code %v} prints it: 1s, 1m30s, 1h0m0s. */
    static String go(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + s % 60 + "s";
        }
        return s / 3600 + "h" + s % 3600 / 60 + "m" + s % 60 + "s";
    }

    /** The state of one call, fed by the connection's and the stream's events on the client's threads. */
    private static final class Call implements Session.Listener, Stream.Listener {
        final CompletableFuture<Prober.Result> outcome = new CompletableFuture<>();
        final Duration timeout;
        volatile boolean settled;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int httpStatus;

        Call(Duration timeout) {
            this.timeout = timeout;
        }

        @Override
        public void onSettings(Session session, SettingsFrame frame) {
            settled = true;
        }

        @Override
        public void onGoAway(Session session, GoAwayFrame frame) {
            fail(UNAVAILABLE, "the connection is closing: " + ErrorCode.toString(frame.getError(), "unknown"));
        }

        @Override
        public void onFailure(Session session, Throwable failure, Callback callback) {
            fail(UNAVAILABLE, "connection error: " + failure);
            callback.succeeded();
        }

        @Override
        public void onHeaders(Stream stream, HeadersFrame frame) {
            MetaData metaData = frame.getMetaData();
            if (metaData instanceof MetaData.Response response && httpStatus == 0) {
                httpStatus = response.getStatus();
                if (!frame.isEndStream()) {
                    stream.demand();
                    return;
                }
            }
            // trailers, or the headers of a "trailers-only" answer
            finish(metaData.getHttpFields());
        }

        @Override
        public void onDataAvailable(Stream stream) {
            Stream.Data data = stream.readData();
            if (data == null) {
                stream.demand();
                return;
            }
            ByteBuffer bytes = data.frame().getByteBuffer();
            byte[] chunk = new byte[bytes.remaining()];
            bytes.get(chunk);
            boolean last = data.frame().isEndStream();
            data.release();
            synchronized (body) {
                body.writeBytes(chunk);
            }
            if (last) {
                finish(null);
            } else {
                stream.demand();
            }
        }

        @Override
        public void onReset(Stream stream, ResetFrame frame, Callback callback) {
            fail(INTERNAL, "stream terminated by RST_STREAM with error code: "
                    + ErrorCode.toString(frame.getError(), "unknown"));
            callback.succeeded();
        }

        @Override
        public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback) {
            fail(UNAVAILABLE, String.valueOf(failure));
            callback.succeeded();
        }

        void fail(int code, String description) {
            outcome.complete(Prober.Result.failed(rpcError(code, description)));
        }

        private void finish(HttpFields trailers) {
            if (httpStatus != 200) {
                fail(codeOfHttpStatus(httpStatus), "unexpected HTTP status code received from server: " + httpStatus);
                return;
            }
            String status = trailers == null ? null : trailers.get("grpc-status");
            if (status == null) {
                fail(INTERNAL, "server closed the stream without sending trailers");
                return;
            }
            int code;
            try {
                code = Integer.parseInt(status.strip());
            } catch (NumberFormatException e) {
                fail(INTERNAL, "transport: malformed grpc-status: " + status);
                return;
            }
            String message = percentDecoded(trailers.get("grpc-message"));
            if (code == UNIMPLEMENTED) {
                outcome.complete(Prober.Result.failed("error: this server does not implement the grpc health "
                        + "protocol (grpc.health.v1.Health): " + message));
            } else if (code == DEADLINE_EXCEEDED) {
                outcome.complete(Prober.Result.failed("timeout: health rpc did not complete within " + go(timeout)));
            } else if (code != 0) {
                fail(code, message);
            } else {
                outcome.complete(served());
            }
        }

        private Prober.Result served() {
            try {
                byte[] message;
                synchronized (body) {
                    message = HealthCheckMessages.unframe(ByteBuffer.wrap(body.toByteArray()));
                }
                if (message == null) {
                    return Prober.Result.failed(rpcError(INTERNAL, "server sent no response message"));
                }
                HealthCheckMessages.ServingStatus status = HealthCheckMessages.parseResponse(message);
                return status.equals(HealthCheckMessages.ServingStatus.SERVING) ? Prober.Result.ok()
                        : Prober.Result.failed("service unhealthy (responded with \"" + status.name() + "\")");
            } catch (HealthCheckMessages.MalformedMessage e) {
                return Prober.Result.failed(rpcError(INTERNAL, "grpc: failed to unmarshal the received message: "
                        + e.getMessage()));
            }
        }
    }

    private static String rpcError(int code, String description) {
        String name = code >= 0 && code < CODES.length ? CODES[code] : "Code(" + code + ")";
        return "error: health rpc probe failed: rpc error: code = " + name + " desc = " + description;
    }

    /** grpc-go's mapping of an HTTP status other than 200 to a gRPC code. */
    private static int codeOfHttpStatus(int status) {
        return switch (status) {
            case 400 -> INTERNAL;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> UNIMPLEMENTED;
            case 429, 502, 503, 504 -> UNAVAILABLE;
            default -> UNKNOWN;
        };
    }

    /** grpc-message is percent-encoded UTF-8. */
    static String percentDecoded(String value) {
        if (value == null) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] in = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length) {
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(in[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
