package io.gantry.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throw-away single-node etcd for tests: free 127.0.0.1 ports, a temporary data directory, and a kill plus
 * directory removal on {@link #close()} (and from a shutdown hook, in case the test JVM is stopped first).
 * A missing binary is an error rather than a skip, so a broken environment cannot pass as green.
 */
public final class EtcdProcess implements AutoCloseable {
    /** Overridable (-Dgantry.etcd.binary) for machines that keep etcd elsewhere. */
    static final Path BINARY = Path.of(System.getProperty("gantry.etcd.binary", "/usr/bin/etcd"));
    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final String endpoint;
    private final Thread cleanupHook;

    private EtcdProcess(Process process, Path dataDir, Path log, String endpoint) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.endpoint = endpoint;
        this.cleanupHook = new Thread(this::stop);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /** Starts etcd and returns once it reports healthy. */
    public static EtcdProcess start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("etcd is required for this test but " + BINARY
                    + " is missing or not executable (Debian: apt-get install etcd-server)");
        }
        Path dir = Files.createTempDirectory("gantry-etcd-");
        Path dataDir = dir.resolve("data");
        Path log = dir.resolve("etcd.log");
        int clientPort = freePort();
        int peerPort = freePort();
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        Process process = new ProcessBuilder(List.of(BINARY.toString(),
                "--name", "test",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "test=" + peer))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        EtcdProcess etcd = new EtcdProcess(process, dir, log, client);
        try {
            etcd.awaitHealthy();
            return etcd;
        } catch (IOException | InterruptedException | RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; it does the same work
        }
    }

    private void stop() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dataDir);
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(endpoint + "/health"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("true")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("etcd did not become healthy within " + STARTUP + ":\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
