package io.gantry.agent.node;

import io.gantry.runtime.ChunkOutputStream;
import io.gantry.runtime.ResizableTerminal;
import io.gantry.runtime.logs.CriLogLine;
import io.gantry.runtime.logs.CriStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubectl attach} to a container's main process, shaped as a {@link Process} so that the exec session's
 * streaming serves it: stdout and stderr are what the container writes from now on, read back from its CRI log
 * (which keeps the two apart) and ending when the container stops; stdin goes to the container's open stdin, if
 * its spec asked for one ({@code stdin: true}), and is dropped otherwise; a container on a terminal ({@code tty:
 * true}) takes it as typed there, and its size from the client. Detaching leaves the container running.
 */
final class AttachProcess extends Process implements ResizableTerminal {
    private static final Logger LOG = LoggerFactory.getLogger(AttachProcess.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int PIPE_BUFFER = 64 * 1024;

    private final Path criLog;
    private final BooleanSupplier containerRunning;
    private final Optional<OutputStream> stdin;
    private final Runnable stdinDone;
    private final boolean mergeStderr;
    private final ResizableTerminal terminal;
    private final PipedInputStream stdout = new PipedInputStream(PIPE_BUFFER);
    private final PipedInputStream stderr = new PipedInputStream(PIPE_BUFFER);
    private final CompletableFuture<Process> ended = new CompletableFuture<>();
    private volatile boolean detached;

    /**
     * @param criLog           the container instance's CRI log, followed from its current end
     * @param containerRunning whether the container still runs; the attachment ends once it does not
     * @param stdin            the container's open stdin, if it has one
     * @param stdinDone        called when the client closes stdin or detaches ({@code stdinOnce} closes it for good)
     * @param mergeStderr      stderr goes to stdout, as on a terminal (a client attaching with a TTY reads stdout
     *                         alone)
     * @param terminal         resizes the container's terminal
     */
    AttachProcess(Path criLog, BooleanSupplier containerRunning, Optional<OutputStream> stdin, Runnable stdinDone,
                  boolean mergeStderr, ResizableTerminal terminal) throws IOException {
        this.criLog = criLog;
        this.containerRunning = containerRunning;
        this.stdin = stdin;
        this.stdinDone = stdinDone;
        this.mergeStderr = mergeStderr;
        this.terminal = terminal;
        PipedOutputStream out = new PipedOutputStream(stdout);
        PipedOutputStream err = new PipedOutputStream(stderr);
        long from = Files.size(criLog);
        Thread.ofVirtual().name("attach-" + criLog.getFileName()).start(() -> follow(from, out, err));
    }

    /** Copies the log's lines from {@code offset} on into the two streams until the container stopped. */
    private void follow(long offset, PipedOutputStream out, PipedOutputStream err) {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        Object fileKey = null;
        try (out; err) {
            while (!detached) {
                boolean stopped = !containerRunning.getAsBoolean();
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(criLog, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    attributes = null; // between a rotation's rename and the new file
                }
                if (attributes != null) {
                    if (fileKey != null && !fileKey.equals(attributes.fileKey()) || attributes.size() < offset) {
                        offset = 0; // rotated: the new file holds what came since
                        pending.reset();
                    }
                    fileKey = attributes.fileKey();
                    offset = copyNewLines(offset, pending, out, err);
                }
                if (stopped) {
                    return; // read once more after the container stopped: its last lines are in
                }
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            }
        } catch (IOException e) {
            LOG.debug("attach to {} ended: {}", criLog, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended.complete(this);
        }
    }

    private long copyNewLines(long offset, ByteArrayOutputStream pending, OutputStream out, OutputStream err)
            throws IOException {
        try (FileChannel channel = FileChannel.open(criLog, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long position = offset;
            int n;
            while ((n = channel.read(buffer, position)) > 0) {
                position += n;
                byte[] bytes = buffer.array();
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        byte[] line = pending.toByteArray();
                        pending.reset();
                        write(CriLogLine.parse(line, 0, line.length), out, err);
                    } else {
                        pending.write(bytes[i]);
                    }
                }
                buffer.clear();
            }
            return position;
        } catch (NoSuchFileException e) {
            return offset;
        }
    }

    private void write(CriLogLine line, OutputStream out, OutputStream err) throws IOException {
        OutputStream target = line.stream() == CriStream.STDERR && !mergeStderr ? err : out;
        target.write(line.content());
        if (!line.partial()) {
            target.write('\n');
        }
        target.flush();
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        terminal.resize(columns, rows);
    }

    /** Closing it tells the container its attach is done with stdin (see stdinDone). */
    @Override
    public OutputStream getOutputStream() {
        return new ChunkOutputStream((buffer, offset, length) -> {
            if (stdin.isPresent()) {
                stdin.get().write(buffer, offset, length);
            }
        }, stdinDone);
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    /** 0 once the container stopped or the client detached: attach reports no exit code of its own. */
    @Override
    public int waitFor() throws InterruptedException {
        try {
            ended.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return 0;
    }

    @Override
    public int exitValue() {
        if (!ended.isDone()) {
            throw new IllegalThreadStateException("still attached");
        }
        return 0;
    }

    /** Detaches; the container goes on running. */
    @Override
    public void destroy() {
        if (!detached) {
            detached = true;
            stdinDone.run();
        }
    }

    @Override
    public Process destroyForcibly() {
        destroy();
        return this;
    }

    @Override
    public boolean isAlive() {
        return !ended.isDone();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return ended;
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return Stream.empty();
    }
}
