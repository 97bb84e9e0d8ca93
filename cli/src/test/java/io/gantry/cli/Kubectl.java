package io.gantry.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl binary against a cluster, with its own HOME so no cache or config leaks in. */
final class Kubectl {
    static final Path BINARY = Path.of("/usr/bin/kubectl");
    private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(60);
    private final Path kubeconfig;
    private final Path home;

    record Result(int exitCode, String out, String err) {
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("kubectl failed (" + exitCode + "): " + err + out);
            }
            return this;
        }
    }

    Kubectl(Path kubeconfig, Path home) {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("kubectl is not installed at " + BINARY + "; the tests need the real binary");
        }
        this.kubeconfig = kubeconfig;
        this.home = home;
    }

    /** kubectl for a running gantry process, with a kubeconfig from {@code gantry kubeconfig} and its own HOME. */
    static Kubectl forCluster(GantryProcess gantry, Path dir) throws IOException {
        Path kubeconfig = dir.resolve("kubeconfig");
        int exit = Main.run("kubeconfig", "--data-dir", gantry.dataDir().toString(), "--server", gantry.url(), "-o",
                kubeconfig.toString());
        if (exit != 0) {
            throw new AssertionError("gantry kubeconfig failed with exit code " + exit);
        }
        return new Kubectl(kubeconfig, Files.createDirectories(dir.resolve("home")));
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), null, args);
    }

    Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        return run(Map.of(), stdin, args);
    }

    Result run(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        return complete(start(env, args), stdin, DEFAULT_LIMIT, args);
    }

    /** For commands that may rightly take longer than a minute, such as a drain with a long timeout. */
    Result runWithin(Duration limit, String... args) throws IOException, InterruptedException {
        return complete(start(Map.of(), args), null, limit, args);
    }

    /**
     * kubectl on a terminal of 100 x 30, as a user at a shell runs it: util-linux {@code script} gives it one, and
     * {@code typed} is what the user types. The output is the terminal's, with CR LF line ends.
     */
    Result onTerminal(String typed, String... args) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder("stty cols 100 rows 30; exec ").append(quote(BINARY.toString()))
                .append(" --kubeconfig ").append(quote(kubeconfig.toString()));
        for (String arg : args) {
            line.append(' ').append(quote(arg));
        }
        return complete(builder(List.of("script", "-qefc", line.toString(), "/dev/null"), Map.of()).start(), typed,
                DEFAULT_LIMIT, args);
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private Result complete(Process p, String stdin, Duration limit, String... args)
            throws IOException, InterruptedException {
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[][] captured = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> captured[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> captured[1] = readAll(p.getErrorStream()));
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in " + limit);
        }
        o.join();
        e.join();
        return new Result(p.exitValue(), new String(captured[0], StandardCharsets.UTF_8),
                new String(captured[1], StandardCharsets.UTF_8));
    }

    /** Starts kubectl without waiting, for long-running commands such as {@code get -w}. */
    Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.add("--kubeconfig");
        command.add(kubeconfig.toString());
        command.addAll(List.of(args));
        return builder(command, env).start();
    }

    private ProcessBuilder builder(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("KUBE") || k.toLowerCase().contains("proxy"));
        builder.environment().put("HOME", home.toString());
        builder.environment().putAll(env);
        return builder;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
