package io.gantry.images.testing;

import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code /usr/bin/docker-registry} (distribution 2.8), serving on a free {@code 127.0.0.1} port with
 * filesystem storage in a temp directory, optionally behind htpasswd Basic auth. Its access log is kept, so
 * tests can count the requests a pull made ({@link #requests}).
 * <pre>{@code
 * try (TestRegistry registry = TestRegistry.start()) {
 *     ImageReference ref = registry.reference("app:v1");   // 127.0.0.1:PORT/app:v1
 *     TestImages.small("hello").push(client, ref, RegistryCredentials.none());
 * }
 * }</pre>
 * Loopback registries are reached over plain HTTP by {@code RegistryClient} without further configuration.
 */
public final class TestRegistry implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern ACCESS_LINE = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\" (\\d{3}) ");
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final Process process;
    private final String address;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestRegistry(Path dir, Process process, String address, int port, Path log) {
        this.dir = dir;
        this.process = process;
        this.address = address;
        this.port = port;
        this.log = log;
        // a test JVM that dies without closing must not leave a registry running
        this.shutdownHook = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A registry anyone may pull from and push to. */
    public static TestRegistry start() throws IOException {
        return start(null, null, "127.0.0.1");
    }

    /**
     * A registry anyone may use, listening on {@code address} alone: an address of an interface the test made, for
     * a registry that is not on loopback.
     */
    public static TestRegistry startOn(String address) throws IOException {
        return start(null, null, address);
    }

    /** A registry that demands HTTP Basic auth with exactly this user and password for every request. */
    public static TestRegistry startWithBasicAuth(String user, String password) throws IOException {
        return start(user, password, "127.0.0.1");
    }

    private static TestRegistry start(String user, String password, String address) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's docker-registry package to run these tests");
        }
        Path dir = Files.createTempDirectory("gantry-test-registry-");
        try {
            if (user != null) {
                Files.writeString(dir.resolve("htpasswd"), Htpasswd.line(user, password) + "\n");
            }
            IOException last = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                try {
                    return launch(dir, address, freePort(), user != null);
                } catch (IOException e) {
                    last = e; // most likely the port was taken between choosing and binding it
                }
            }
            throw last;
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static TestRegistry launch(Path dir, String address, int port, boolean basicAuth) throws IOException {
        String config = """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: false
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: %s:%d
                  secret: gantry-test-secret
                """.formatted(dir.resolve("data"), address, port);
        if (basicAuth) {
            config += """
                    auth:
                      htpasswd:
                        realm: gantry-test
                        path: %s
                    """.formatted(dir.resolve("htpasswd"));
        }
        Path configFile = dir.resolve("config-" + port + ".yml");
        Files.writeString(configFile, config);
        Path log = dir.resolve("registry-" + port + ".log");
        Process process = new ProcessBuilder(BINARY.toString(), "serve", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        TestRegistry registry = new TestRegistry(dir, process, address, port, log);
        try {
            registry.awaitReady();
            return registry;
        } catch (IOException | RuntimeException e) {
            registry.stopProcess();
            throw e;
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + logTail());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200 || response.statusCode() == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for docker-registry", e);
            }
            sleep(50);
        }
        throw new IOException("docker-registry did not answer on " + host() + " within " + STARTUP_TIMEOUT + ": " + logTail());
    }

    /** {@code 127.0.0.1:PORT} (or the address it was started on), the registry part of references to it. */
    public String host() {
        return address + ":" + port;
    }

    /** A reference into this registry, e.g. {@code reference("app:v1")} is {@code 127.0.0.1:PORT/app:v1}. */
    public ImageReference reference(String repositoryAndTag) {
        return ImageReference.parse(host() + "/" + repositoryAndTag);
    }

    /** The registry's storage directory (distribution's filesystem driver layout). */
    public Path storage() {
        return dir.resolve("data");
    }

    /**
     * Overwrites a stored blob's bytes (same length, first byte flipped) behind the registry's back, which
     * serves it anyway: how a corrupted download looks to a client.
     */
    public void corruptBlob(Digest digest) throws IOException {
        Path data = storage().resolve("docker/registry/v2/blobs/" + digest.algorithm() + "/" + digest.hex().substring(0, 2)
                + "/" + digest.hex() + "/data");
        byte[] bytes = Files.readAllBytes(data);
        bytes[0] ^= (byte) 0xff;
        Files.write(data, bytes);
    }

    /**
     * Every request logged so far. First makes a marker request and waits until it shows up, so requests
     * that completed before this call are all in the result.
     */
    public List<AccessLogEntry> requests() throws IOException {
        String marker = "/v2/?sync=" + UUID.randomUUID();
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://" + host() + marker)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            List<AccessLogEntry> entries = parseLog();
            if (entries.stream().anyMatch(e -> e.path().equals(marker))) {
                return entries.stream().filter(e -> !e.path().startsWith("/v2/?sync=")).toList();
            }
            sleep(20);
        }
        throw new IOException("the registry's access log never showed the marker request " + marker);
    }

    /** How many logged requests had this method and a path starting with {@code pathPrefix}. */
    public long count(String method, String pathPrefix) throws IOException {
        return requests().stream().filter(e -> e.method().equals(method) && e.path().startsWith(pathPrefix)).count();
    }

    private List<AccessLogEntry> parseLog() throws IOException {
        List<AccessLogEntry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = ACCESS_LINE.matcher(line);
            if (m.find()) {
                entries.add(new AccessLogEntry(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
            }
        }
        return entries;
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stopProcess();
        deleteTree(dir);
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs anyway
        }
        http.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static void deleteTree(Path dir) {
        try {
            io.gantry.images.snapshot.FileTrees.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
