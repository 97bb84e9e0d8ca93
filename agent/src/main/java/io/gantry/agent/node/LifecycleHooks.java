package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A container's postStart and preStop handlers, as the kubelet runs them: {@code exec} (a command in the container,
 * success is exit code 0), {@code httpGet} (a GET to the pod, success is a 2xx or 3xx answer) and {@code sleep}.
 */
final class LifecycleHooks {
    /** A handler that failed; the message is the kubelet's event text. */
    static final class HookFailure extends Exception {
        HookFailure(String message) {
            super(message);
        }
    }

    private LifecycleHooks() {
    }

    /** Runs {@code handler} (the postStart or preStop object) for the container, giving up after {@code limit}. */
    static void run(JsonNode handler, JsonNode container, String podIp, ContainerEngine engine, String containerId,
                    Duration limit) throws HookFailure {
        if (handler.has("exec")) {
            List<String> command = new ArrayList<>();
            handler.path("exec").path("command").forEach(c -> command.add(c.asText()));
            if (command.isEmpty()) {
                throw new HookFailure("exec handler has no command");
            }
            exec(engine, containerId, command, limit);
        } else if (handler.has("httpGet")) {
            httpGet(handler.path("httpGet"), container, podIp, limit);
        } else if (handler.has("sleep")) {
            try {
                Thread.sleep(Duration.ofSeconds(Math.max(0, handler.path("sleep").path("seconds").asLong())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void exec(ContainerEngine engine, String containerId, List<String> command, Duration limit)
            throws HookFailure {
        Process p;
        try {
            p = engine.exec(containerId, command, false);
        } catch (RuntimeException e) {
            throw new HookFailure("Exec lifecycle hook (" + command + ") for Container in Pod failed - error: "
                    + e.getMessage());
        }
        try {
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new HookFailure("Exec lifecycle hook (" + command + ") did not finish in " + limit.toSeconds()
                        + " s");
            }
            if (p.exitValue() != 0) {
                throw new HookFailure("Exec lifecycle hook (" + command + ") for Container in Pod failed - error: "
                        + "command '" + String.join(" ", command) + "' exited with " + p.exitValue() + ": "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new HookFailure("Exec lifecycle hook (" + command + ") failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private static void httpGet(JsonNode get, JsonNode container, String podIp, Duration limit) throws HookFailure {
        String host = get.path("host").asText(podIp == null ? "127.0.0.1" : podIp);
        int port = port(get.path("port"), container);
        String path = get.path("path").asText("/");
        String scheme = get.path("scheme").asText("HTTP").toLowerCase(java.util.Locale.ROOT);
        URI uri = URI.create(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + (path.startsWith("/") ? path : "/" + path));
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(limit).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(limit).GET();
            for (JsonNode h : get.path("httpHeaders")) {
                request.header(h.path("name").asText(), h.path("value").asText());
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() < 200 || response.statusCode() >= 400) {
                throw new HookFailure("HTTP lifecycle hook (" + path + ") for Container in Pod failed - error: "
                        + "HTTP status " + response.statusCode());
            }
        } catch (IOException e) {
            throw new HookFailure("HTTP lifecycle hook (" + path + ") for Container in Pod failed - error: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A port number, or the name of one of the container's ports. */
    static int port(JsonNode port, JsonNode container) throws HookFailure {
        if (port.isInt() || port.asText().matches("\\d+")) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new HookFailure("lifecycle hook port " + port.asText() + " is not a port of the container");
    }
}
