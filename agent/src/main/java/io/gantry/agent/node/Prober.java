package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs one probe of a container once, as the kubelet's prober does: {@code httpGet} (success is a status from 200
 * to 399; HTTPS is not verified, as the kubelet does not), {@code tcpSocket} (a connection opens) and {@code exec}
 * (the command exits 0 within the timeout) and {@code grpc} (the health service answers SERVING: {@link
 * GrpcHealthProbe}).
 */
final class Prober {
    /** One probe's outcome; {@code output} says why it failed, as the Unhealthy event shows it. */
    record Result(boolean success, String output) {
        static Result ok() {
            return new Result(true, "");
        }

        static Result failed(String output) {
            return new Result(false, output);
        }
    }

    /** The kubelet's User-Agent on HTTP and gRPC probes: kube-probe/MAJOR.MINOR of the Kubernetes it speaks. */
    static final String USER_AGENT = "kube-probe/1.32";

    private static final SSLContext TRUST_ALL = trustAll();

    private Prober() {
    }

    static Result run(JsonNode probe, JsonNode container, String podIp, ContainerEngine engine, String containerId,
                      Duration timeout) {
        try {
            if (probe.has("exec")) {
                return exec(probe.path("exec"), engine, containerId, timeout);
            }
            if (probe.has("httpGet")) {
                return httpGet(probe.path("httpGet"), container, podIp, timeout);
            }
            if (probe.has("tcpSocket")) {
                return tcpSocket(probe.path("tcpSocket"), container, podIp, timeout);
            }
            if (probe.has("grpc")) {
                JsonNode grpc = probe.path("grpc");
                return GrpcHealthProbe.check(podIp == null ? "127.0.0.1" : podIp, grpc.path("port").asInt(),
                        grpc.path("service").asText(""), timeout);
            }
            return Result.failed("the probe names no handler (exec, httpGet, tcpSocket or grpc)");
        } catch (LifecycleHooks.HookFailure e) {
            return Result.failed(e.getMessage().replace("lifecycle hook port", "probe port"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
    }

    private static Result exec(JsonNode exec, ContainerEngine engine, String containerId, Duration timeout)
            throws InterruptedException {
        List<String> command = new ArrayList<>();
        exec.path("command").forEach(c -> command.add(c.asText()));
        if (command.isEmpty()) {
            return Result.failed("exec probe has no command");
        }
        Process process;
        try {
            process = engine.exec(containerId, command, false);
        } catch (RuntimeException e) {
            return Result.failed(e.getMessage());
        }
        try {
            process.getOutputStream().close();
            // the output is read on the side, so that a chatty command cannot block before it exits
            StringBuffer output = new StringBuffer();
            List<Thread> readers = new ArrayList<>();
            for (java.io.InputStream stream : List.of(process.getInputStream(), process.getErrorStream())) {
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        output.append(new String(stream.readNBytes(10240), StandardCharsets.UTF_8));
                    } catch (IOException ignored) {
                        // the process went away
                    }
                }));
            }
            if (!process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Result.failed("command timed out after " + timeout.toSeconds() + "s");
            }
            for (Thread reader : readers) {
                reader.join(1000);
            }
            return process.exitValue() == 0 ? Result.ok() : Result.failed(output.toString().strip());
        } catch (IOException e) {
            return Result.failed(e.getMessage());
        }
    }

    private static Result httpGet(JsonNode get, JsonNode container, String podIp, Duration timeout)
            throws LifecycleHooks.HookFailure, InterruptedException {
        String host = get.path("host").asText(podIp == null ? "127.0.0.1" : podIp);
        int port = LifecycleHooks.port(get.path("port"), container);
        String path = get.path("path").asText("/");
        String scheme = get.path("scheme").asText("HTTP").toLowerCase(Locale.ROOT);
        URI uri = URI.create(scheme + "://" + host + ":" + port + (path.startsWith("/") ? path : "/" + path));
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (scheme.equals("https")) {
            SSLParameters noHostCheck = new SSLParameters();
            noHostCheck.setEndpointIdentificationAlgorithm(null);
            builder.sslContext(TRUST_ALL).sslParameters(noHostCheck);
        }
        try (HttpClient http = builder.build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                    .header("User-Agent", USER_AGENT);
            for (JsonNode h : get.path("httpHeaders")) {
                request.setHeader(h.path("name").asText(), h.path("value").asText());
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() >= 200 && response.statusCode() < 400 ? Result.ok()
                    : Result.failed("HTTP probe failed with statuscode: " + response.statusCode());
        } catch (IOException | IllegalArgumentException e) {
            return Result.failed("Get \"" + uri + "\": " + e.getMessage());
        }
    }

    private static Result tcpSocket(JsonNode tcp, JsonNode container, String podIp, Duration timeout)
            throws LifecycleHooks.HookFailure {
        String host = tcp.path("host").asText(podIp == null ? "127.0.0.1" : podIp);
        int port = LifecycleHooks.port(tcp.path("port"), container);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return Result.ok();
        } catch (IOException e) {
            return Result.failed("dial tcp " + host + ":" + port + ": " + e.getMessage());
        }
    }

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
