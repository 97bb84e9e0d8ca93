package io.gantry.runtime;

import io.gantry.runtime.linux.Pty;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command running on a terminal of this host ({@code kubectl exec -t}): the command is started in a session of
 * its own with a new pseudo-terminal as its controlling terminal and stdio, so it sees a terminal, gets SIGWINCH
 * on {@link #resize}, and output and input pass through {@link #getInputStream()} and {@link #getOutputStream()}
 * as raw terminal bytes (stderr is part of them; {@link #getErrorStream()} only carries a failure to start).
 *
 * <p>For a container, the command is {@code runc exec} of a process with {@code terminal: true}: runc, finding a
 * terminal on its stdio, makes the container's own terminal, copies between the two and passes size changes on.
 */
public final class TerminalProcess extends Process implements ResizableTerminal {
    private static final Logger log = LoggerFactory.getLogger(TerminalProcess.class);
    /** Runs "$@" in a new session with the terminal as stdin (which makes it the controlling one), stdout, stderr. */
    private static final List<String> ON_TERMINAL = List.of("setsid", "-w", "sh", "-c",
            "exec \"$@\" <\"$GANTRY_TTY\" >\"$GANTRY_TTY\" 2>&1", "sh");
    private static final int PIPE_BUFFER = 64 * 1024;
    private static final byte[] END_OF_INPUT = new byte[0];

    private final Process process;
    private final Pty pty;
    private final PipedInputStream output = new PipedInputStream(PIPE_BUFFER);
    private final BlockingQueue<byte[]> typed = new ArrayBlockingQueue<>(1024);
    private final CompletableFuture<Void> outputDone = new CompletableFuture<>();

    private TerminalProcess(Process process, Pty pty) throws IOException {
        this.process = process;
        this.pty = pty;
        PipedOutputStream sink = new PipedOutputStream(output);
        // blocking native calls: platform threads, so that no virtual thread's carrier is held while the terminal
        // is quiet
        Thread.ofPlatform().daemon().name("pty-read-" + process.pid()).start(() -> copyOutput(sink));
        Thread.ofPlatform().daemon().name("pty-write-" + process.pid()).start(this::copyInput);
    }

    /** Starts {@code command} on a new terminal of {@code columns} x {@code rows}. */
    public static TerminalProcess start(List<String> command, int columns, int rows) throws IOException {
        Pty pty = Pty.open(columns, rows);
        try {
            List<String> line = new ArrayList<>(ON_TERMINAL);
            line.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(line)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("GANTRY_TTY", pty.slave().orElseThrow().toString());
            return new TerminalProcess(builder.start(), pty);
        } catch (IOException | RuntimeException e) {
            pty.close();
            throw e;
        }
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        pty.resize(columns, rows);
    }

    private void copyOutput(PipedOutputStream sink) {
        byte[] buffer = new byte[16 * 1024];
        try (sink) {
            InputStream in = pty.input();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sink.write(buffer, 0, n);
                sink.flush();
            }
        } catch (IOException e) {
            log.debug("terminal output of {} ended: {}", process.pid(), e.toString());
        } finally {
            outputDone.complete(null);
            closeWhenExited();
        }
    }

    private void copyInput() {
        try {
            while (true) {
                byte[] chunk = typed.poll(1, TimeUnit.SECONDS);
                if (chunk == END_OF_INPUT || (chunk == null && outputDone.isDone())) {
                    return;
                }
                if (chunk != null) {
                    pty.write(chunk, 0, chunk.length);
                }
            }
        } catch (IOException e) {
            log.debug("terminal input of {} ended: {}", process.pid(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The master side is closed only once nothing reads it any more and the command is gone. */
    private void closeWhenExited() {
        process.onExit().whenComplete((ended, error) -> {
            typed.offer(END_OF_INPUT);
            pty.close();
        });
    }

    /** What is typed; closing it does not end the terminal's input (the user types ^D, kubectl sends it as data). */
    @Override
    public OutputStream getOutputStream() {
        return new ChunkOutputStream((buffer, offset, length) -> {
            try {
                if (!typed.offer(java.util.Arrays.copyOfRange(buffer, offset, offset + length), 30, TimeUnit.SECONDS)) {
                    throw new IOException("the terminal of " + process.pid() + " takes no input");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while typing", e);
            }
        });
    }

    @Override
    public InputStream getInputStream() {
        return output;
    }

    @Override
    public InputStream getErrorStream() {
        return process.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void destroy() {
        process.destroy();
    }

    @Override
    public Process destroyForcibly() {
        process.destroyForcibly();
        return this;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return process.onExit().thenApply(ended -> this);
    }

    @Override
    public ProcessHandle toHandle() {
        return process.toHandle();
    }
}
