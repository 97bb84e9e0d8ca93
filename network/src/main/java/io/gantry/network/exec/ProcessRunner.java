package io.gantry.network.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs a command to completion with a hard deadline.
 *
 * <p>stdin is fed and stdout/stderr are drained on virtual threads at the same time, because a plugin that writes
 * more than a pipe buffer before reading all of its stdin would otherwise deadlock with us. Output is capped so a
 * runaway tool cannot exhaust the agent's heap.
 */
public final class ProcessRunner {

    /** Large enough for any CNI result or tool error; beyond this, output is truncated. */
    static final int MAX_CAPTURED_BYTES = 4 * 1024 * 1024;

    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final Duration timeout;

    public ProcessRunner(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    public ProcessResult run(List<String> command) throws IOException {
        return run(command, env -> { }, new byte[0]);
    }

    /**
     * @param environment edits the child's environment, which starts as a copy of ours
     * @param stdin       bytes written to the child's stdin, which is then closed
     * @throws ProcessTimeoutException when the deadline passed (the process was killed)
     * @throws InterruptedIOException  when this thread was interrupted (the process was killed, interrupt flag kept)
     */
    public ProcessResult run(List<String> command, Consumer<Map<String, String>> environment, byte[] stdin)
            throws IOException {
        Objects.requireNonNull(stdin, "stdin");
        ProcessBuilder builder = new ProcessBuilder(command);
        environment.accept(builder.environment());
        Process process = builder.start();
        Future<byte[]> stdout = drain(process.getInputStream());
        Future<byte[]> stderr = drain(process.getErrorStream());
        Thread.ofVirtual().name("stdin-" + process.pid()).start(() -> feed(process.getOutputStream(), stdin));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new ProcessTimeoutException(command, timeout);
            }
            return new ProcessResult(command, process.exitValue(), text(stdout), text(stderr));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(
                    "interrupted while waiting for " + String.join(" ", command));
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void feed(OutputStream in, byte[] bytes) {
        try (in) {
            in.write(bytes);
        } catch (IOException ignored) {
            // The child exited without reading all of its input; its exit code tells the story.
        }
    }

    private static Future<byte[]> drain(InputStream stream) {
        FutureTask<byte[]> task = new FutureTask<>(() -> readCapped(stream));
        Thread.ofVirtual().start(task);
        return task;
    }

    private static byte[] readCapped(InputStream stream) throws IOException {
        try (stream) {
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = stream.read(buffer)) >= 0) {
                int room = MAX_CAPTURED_BYTES - captured.size();
                if (room > 0) {
                    captured.write(buffer, 0, Math.min(read, room));
                }
            }
            return captured.toByteArray();
        }
    }

    /** The process has exited, so its pipes reach EOF promptly; the bound only guards against inherited pipes. */
    private static String text(Future<byte[]> output) throws IOException {
        try {
            return new String(output.get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            output.cancel(true);
            return "";
        } catch (ExecutionException e) {
            throw new IOException("could not read process output", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading process output");
        }
    }
}
