package io.gantry.cli;

import io.gantry.apiserver.watch.SharedTreeCheck;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code gantry server} (or {@code up}) process started from the test class path, on a free port, with
 * its own data directory. Its output goes to a log file beside the data directory.
 */
final class GantryProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("on https://[^:]+:(\\d+)");
    private static final Pattern AGENT_READY = Pattern.compile("joined https://[^:]+:(\\d+)");
    private final Process process;
    private final Path dataDir;
    private final int port;
    private final Path log;
    private final String host;

    private GantryProcess(Process process, Path dataDir, int port, Path log, String host) {
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
        this.log = log;
        this.host = host;
    }

    static GantryProcess start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        return start(dataDir, 0, extraArgs);
    }

    static GantryProcess start(Path dataDir, int port, String... extraArgs) throws IOException, InterruptedException {
        return startOn("127.0.0.1", dataDir, port, extraArgs);
    }

    /** A control plane listening on {@code address} only (one of a test bridge, for nodes in namespaces). */
    static GantryProcess startOn(String address, Path dataDir, int port, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        // checks that only tests pay for, among them that nothing changes the watch cache's shared trees
        command.add("-ea:io.gantry...");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.add(extraArgs.length > 0 && extraArgs[0].equals("up") ? "up" : "server");
        command.add("--data-dir");
        command.add(dataDir.toString());
        command.add("--port");
        command.add(Integer.toString(port));
        command.add("--bind-address");
        command.add(address);
        for (String a : extraArgs) {
            if (!a.equals("up")) {
                command.add(a);
            }
        }
        return launch(command, dataDir, READY, address);
    }

    /** {@code gantry agent --simulate N} joining the cluster at {@code server}; ready once it has joined. */
    static GantryProcess agent(Path dataDir, String server, String token, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent",
                "--server", server, "--token", token, "--data-dir", dataDir.toString()));
        command.addAll(List.of(extraArgs));
        return launch(command, dataDir, AGENT_READY, "127.0.0.1");
    }

    /**
     * A real node's {@code gantry agent} run inside the network namespace {@code netns} (only that: it shares the
     * host's file systems and cgroups), as if on a host of its own.
     */
    static GantryProcess agentIn(String netns, Path dataDir, String server, String token, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + netns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent", "--server", server,
                "--token", token, "--data-dir", dataDir.toString()));
        command.addAll(List.of(extraArgs));
        return launch(command, dataDir, AGENT_READY, "127.0.0.1");
    }

    private static GantryProcess launch(List<String> command, Path dataDir, Pattern readyLine, String host)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    Matcher m = readyLine.matcher(line);
                    if (line.contains("gantry:") && m.find()) {
                        ready.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("gantry exited before it was ready"));
        });
        try {
            int actualPort = ready.get(90, TimeUnit.SECONDS);
            return new GantryProcess(process, dataDir, actualPort, log, host);
        } catch (Exception e) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("gantry did not start: " + Files.readString(log), e);
        }
    }

    int port() {
        return port;
    }

    String url() {
        return "https://" + host + ":" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    /** The join token for agents ({@code gantry token} on this control plane's data directory). */
    String joinToken() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            if (Main.run("token", "--data-dir", dataDir.toString()) != 0) {
                throw new AssertionError("gantry token failed");
            }
        } finally {
            System.setOut(previous);
        }
        return out.toString().trim();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops the process; fails when it logged that a shared tree of its watch cache was changed. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        }
        String output;
        try {
            output = log();
        } catch (IOException e) {
            return;
        }
        int at = output.indexOf(SharedTreeCheck.MESSAGE);
        if (at >= 0) {
            int end = output.indexOf('\n', at);
            throw new AssertionError("gantry (" + log + "): " + output.substring(at, end < 0 ? output.length() : end));
        }
    }
}
