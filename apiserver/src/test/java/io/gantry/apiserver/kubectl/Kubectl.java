package io.gantry.apiserver.kubectl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl against a server, isolated from the user's kubeconfig and discovery cache. */
final class Kubectl {
    static final Path BINARY = Path.of("/usr/bin/kubectl");

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private final String server;
    private final Path home;

    Kubectl(String server, Path home) {
        this.server = server;
        this.home = home;
    }

    Result run(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("kubectl is required at " + BINARY + " for this test");
        }
        Path kubeconfig = home.resolve("kubeconfig");
        if (!Files.exists(kubeconfig)) {
            Files.writeString(kubeconfig, "");
        }
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--server", server));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("KUBERNETES_SERVICE_HOST");
        Path out = home.resolve("stdout");
        Path err = home.resolve("stderr");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 20 s");
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            // Kept in the surefire output file, to diagnose a failing assertion or a kubectl upgrade.
            System.out.println("$ kubectl " + String.join(" ", args) + "\n" + result);
            return result;
        } finally {
            process.destroyForcibly();
        }
    }
}
