package io.gantry.runtime.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.runtime.ContainerRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Invocations of the OCI runtime binary over one state directory ({@code --root}). */
final class RuncCommand {

    /** Output of a finished invocation. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** runc's own error message without its log decoration. */
        String error() {
            return errorMessage(stderr);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LOGFMT_MESSAGE = Pattern.compile("msg=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Path binary;
    private final Path stateRoot;

    RuncCommand(Path binary, Path stateRoot) {
        this.binary = binary;
        this.stateRoot = stateRoot;
    }

    Path binary() {
        return binary;
    }

    /** Whether runc keeps state for the container: it does so in a directory named after it under its root. */
    boolean hasState(String id) {
        return java.nio.file.Files.isDirectory(stateRoot.resolve(id));
    }

    /** The full command line: binary, {@code --root}, then {@code args}. */
    List<String> commandLine(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--root");
        command.add(stateRoot.toString());
        command.addAll(args);
        return command;
    }

    /** Runs to completion, collecting stdout and stderr; fails when it takes longer than {@code timeout}. */
    Result run(Duration timeout, String... args) {
        List<String> command = commandLine(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException e) {
            throw new ContainerRuntimeException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        StreamCollector stdout = new StreamCollector(process.getInputStream());
        StreamCollector stderr = new StreamCollector(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ContainerRuntimeException("'" + String.join(" ", command) + "' did not finish within " + timeout);
            }
            return new Result(process.exitValue(), stdout.await(), stderr.await());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ContainerRuntimeException("interrupted while running '" + String.join(" ", command) + "'", e);
        }
    }

    /**
     * The message of runc's error output: its JSON log lines ({@code --log-format json}) or logfmt lines
     * ({@code level=error msg="..."}), else the text itself.
     */
    static String errorMessage(String output) {
        List<String> messages = new ArrayList<>();
        for (String line : output.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("{")) {
                try {
                    JsonNode node = JSON.readTree(trimmed);
                    if (node.hasNonNull("msg")) {
                        if (!node.path("level").asText("error").equals("debug")) {
                            messages.add(node.get("msg").asText());
                        }
                        continue;
                    }
                } catch (IOException notJson) {
                    // fall through to the other formats
                }
            }
            Matcher logfmt = LOGFMT_MESSAGE.matcher(trimmed);
            if (trimmed.contains("level=") && logfmt.find()) {
                if (!trimmed.contains("level=debug")) {
                    messages.add(logfmt.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
                continue;
            }
            messages.add(trimmed);
        }
        return messages.isEmpty() ? "(no error output)" : String.join("; ", messages);
    }

    /**
     * Reads a stream to its end on a virtual thread, so neither pipe of a child can fill up and block it, and a hung
     * child cannot block the caller past the timeout.
     */
    private static final class StreamCollector {
        private final Thread thread;
        private volatile String text = "";

        StreamCollector(InputStream stream) {
            thread = Thread.ofVirtual().name("runc-output").start(() -> {
                try (stream) {
                    text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    text = "(reading the output failed: " + e.getMessage() + ")";
                }
            });
        }

        String await() throws InterruptedException {
            thread.join(Duration.ofSeconds(5));
            return text;
        }
    }
}
