package io.gantry.agent.node;

import io.gantry.agent.Pems;
import io.gantry.api.AgentEndpoint;
import io.gantry.runtime.logs.ContainerLogReader;
import io.gantry.runtime.logs.LogQuery;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
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
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The agent's HTTPS endpoint (the kubelet's port 10250), which the API server calls for {@code kubectl logs}
 * ({@code GET /containerLogs/NAMESPACE/POD/CONTAINER} with the kubelet's query parameters) and
 * {@code kubectl exec} ({@code /exec/NAMESPACE/POD/CONTAINER?command=...}, a WebSocket, see {@link ExecSession}). Only the API server
 * may call it: a client certificate from the cluster CA with the common name {@link AgentEndpoint#API_SERVER_CLIENT_NAME}.
 */
final class NodeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeServer.class);

    private final ContainerLocator logs;
    private final java.util.function.Function<String, ContainerEngine> engines;
    private final Server server;
    private final ServerConnector connector;

    /** @param engines the engine of a RuntimeClass handler, for exec */
    NodeServer(ContainerLocator logs, java.util.function.Function<String, ContainerEngine> engines,
               ServingCertificate certificate, String caPem, String bindAddress, int port) {
        this.logs = logs;
        this.engines = engines;
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("agent-server");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        HttpConfiguration https = new HttpConfiguration();
        https.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        connector = new ServerConnector(server, new SslConnectionFactory(tls(certificate, caPem),
                HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
        connector.setHost(bindAddress);
        connector.setPort(port);
        connector.setIdleTimeout(3_600_000);
        server.addConnector(connector);
        WebSocketUpgradeHandler websockets = WebSocketUpgradeHandler.from(server);
        websockets.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        server.setHandler(websockets);
        server.setStopTimeout(1000);
    }

    private static SslContextFactory.Server tls(ServingCertificate certificate, String caPem) {
        try {
            char[] password = "in-memory".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("serving", certificate.keys().getPrivate(), password,
                    new Certificate[]{certificate.certificate()});
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : Pems.certificates(caPem)) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            SslContextFactory.Server factory = new SslContextFactory.Server();
            factory.setKeyStore(keys);
            factory.setKeyStorePassword(new String(password));
            factory.setTrustStore(trust);
            factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            factory.setNeedClientAuth(true);
            return factory;
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the agent's TLS", e);
        }
    }

    NodeServer start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve on port " + connector.getPort() + ": " + e.getMessage(), e);
        }
        return this;
    }

    int port() {
        return connector.getLocalPort();
    }

    private void serve(Request request, Response response, Callback callback) {
        try {
            if (!fromApiServer(request)) {
                text(response, 403, "only the API server may call the node agent");
                callback.succeeded();
                return;
            }
            String[] parts = Request.getPathInContext(request).split("/");
            if (parts.length == 5 && ("/" + parts[1] + "/").equals(AgentEndpoint.EXEC)) {
                exec(request, response, callback, parts);
                return;
            }
            if (parts.length == 5 && ("/" + parts[1] + "/").equals(AgentEndpoint.ATTACH)) {
                attach(request, response, callback, parts);
                return;
            }
            if (!request.getMethod().equals("GET") || parts.length != 5
                    || !AgentEndpoint.CONTAINER_LOGS.equals("/" + parts[1] + "/")) {
                text(response, 404, "not found");
                callback.succeeded();
                return;
            }
            Fields query = Request.extractQueryParameters(request);
            boolean previous = "true".equals(query.getValue("previous"));
            ContainerLocator.Located located;
            try {
                located = logs.locate(parts[2], parts[3], parts[4], previous);
            } catch (ContainerLocator.UnavailableException e) {
                text(response, e.status(), e.getMessage());
                callback.succeeded();
                return;
            }
            LogQuery q = query(query, located.running());
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            try (InputStream in = ContainerLogReader.open(located.file(), q, () -> !located.stillWriting());
                 OutputStream out = Content.Sink.asOutputStream(response)) {
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            LOG.debug("serving {} failed: {}", Request.getPathInContext(request), e.toString());
            callback.failed(e);
        }
    }

    /** Upgrades to the streaming protocol and runs the command in the container. */
    private void exec(Request request, Response response, Callback callback, String[] parts) {
        Fields query = Request.extractQueryParameters(request);
        List<String> command = query.getValues("command");
        ContainerLocator.Running container;
        try {
            if (command == null || command.isEmpty()) {
                throw new ContainerLocator.UnavailableException(400, "you must specify at least 1 command");
            }
            container = logs.running(parts[2], parts[3], parts[4]);
        } catch (ContainerLocator.UnavailableException e) {
            text(response, e.status(), e.getMessage());
            callback.succeeded();
            return;
        }
        ContainerEngine engine = engines.apply(container.handler());
        boolean tty = flag(query, "tty");
        stream("exec", () -> engine.exec(container.containerId(), command, tty), query, request, response, callback);
    }

    /**
     * Upgrades to the streaming protocol attached to the container's main process: its output from now on, and
     * its stdin when it has one; {@code stdinOnce} closes that when the client is done with it.
     */
    private void attach(Request request, Response response, Callback callback, String[] parts) {
        Fields query = Request.extractQueryParameters(request);
        ContainerLocator.Running container;
        ContainerLocator.Located log;
        boolean stdinOnce;
        try {
            container = logs.running(parts[2], parts[3], parts[4]);
            log = logs.locate(parts[2], parts[3], parts[4], false);
            stdinOnce = logs.spec(parts[2], parts[3], parts[4]).path("stdinOnce").asBoolean(false);
        } catch (ContainerLocator.UnavailableException e) {
            text(response, e.status(), e.getMessage());
            callback.succeeded();
            return;
        }
        ContainerEngine engine = engines.apply(container.handler());
        boolean stdin = flag(query, "stdin");
        Runnable stdinDone = stdin && stdinOnce ? () -> engine.closeStdin(container.containerId()) : () -> { };
        stream("attach", () -> {
            try {
                return new AttachProcess(log.file(), log::stillWriting,
                        stdin ? engine.stdin(container.containerId()) : Optional.empty(), stdinDone,
                        flag(query, "tty"), (columns, rows) -> engine.resize(container.containerId(), columns, rows));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, query, request, response, callback);
    }

    private void stream(String what, Supplier<Process> start, Fields query, Request request,
                        Response response, Callback callback) {
        boolean upgraded = ServerWebSocketContainer.get(request.getContext()).upgrade((rq, rs, cb) -> {
            String protocol = rq.getSubProtocols().stream().filter(ExecSession.PROTOCOLS::contains).findFirst()
                    .orElse(null);
            if (protocol == null) {
                rs.setStatus(400);
                cb.succeeded();
                return null;
            }
            rs.setAcceptedSubProtocol(protocol);
            return new ExecSession(start, flag(query, "stdin"), flag(query, "stdout"), flag(query, "stderr"),
                    flag(query, "tty"));
        }, request, response, callback);
        if (!upgraded) {
            text(response, 400, what + " needs a WebSocket upgrade with protocol " + ExecSession.PROTOCOLS);
            callback.succeeded();
        }
    }

    private static boolean flag(Fields query, String name) {
        String v = query.getValue(name);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    private static LogQuery query(Fields query, boolean running) {
        LogQuery q = LogQuery.all();
        String tail = query.getValue("tailLines");
        if (tail != null && !tail.isEmpty()) {
            q = q.withTail(Integer.parseInt(tail));
        }
        String since = query.getValue("sinceTime");
        if (since != null && !since.isEmpty()) {
            q = q.withSince(Instant.parse(since));
        }
        String sinceSeconds = query.getValue("sinceSeconds");
        if (sinceSeconds != null && !sinceSeconds.isEmpty()) {
            q = q.withSince(Instant.now().minusSeconds(Long.parseLong(sinceSeconds)));
        }
        String limit = query.getValue("limitBytes");
        if (limit != null && !limit.isEmpty()) {
            q = q.withLimitBytes(Long.parseLong(limit));
        }
        return q.withTimestamps("true".equals(query.getValue("timestamps")))
                .withFollow("true".equals(query.getValue("follow")) && running);
    }

    private static boolean fromApiServer(Request request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData data
                && data.peerCertificates() != null && data.peerCertificates().length > 0) {
            X500Principal subject = data.peerCertificates()[0].getSubjectX500Principal();
            try {
                return new javax.naming.ldap.LdapName(subject.getName(X500Principal.RFC2253)).getRdns().stream()
                        .anyMatch(rdn -> rdn.getType().equalsIgnoreCase("CN")
                                && AgentEndpoint.API_SERVER_CLIENT_NAME.equals(rdn.getValue()));
            } catch (javax.naming.InvalidNameException e) {
                return false;
            }
        }
        return false;
    }

    private static void text(Response response, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        response.write(true, java.nio.ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("stopping the agent server: {}", e.toString());
        }
    }
}
