package io.gantry.runtime.runc;

import io.gantry.runtime.ChunkOutputStream;
import io.gantry.runtime.linux.Pty;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal of a container created with one: its master side, held by this process. What the container writes
 * to it is appended to the container's stdout log, as a terminal has one output; input is typed into it.
 *
 * <p>The master is closed by the copying thread alone, once the last holder of the slave side (the container's
 * processes) is gone: closing it from elsewhere while that thread is in a read could have the descriptor number
 * reused under it.
 */
final class ContainerTerminal {
    private static final Logger log = LoggerFactory.getLogger(ContainerTerminal.class);

    private final Pty pty;
    private final CountDownLatch finished = new CountDownLatch(1);

    ContainerTerminal(String id, Pty pty, Path stdoutLog) {
        this.pty = pty;
        // a blocking native read: a platform thread, so that no virtual thread's carrier waits on a quiet terminal
        Thread.ofPlatform().daemon().name("terminal-" + id).start(() -> copy(stdoutLog));
    }

    private void copy(Path stdoutLog) {
        byte[] buffer = new byte[16 * 1024];
        try (OutputStream out = new FileOutputStream(stdoutLog.toFile(), true)) {
            InputStream in = pty.input();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            log.debug("terminal output to {} ended: {}", stdoutLog, e.toString());
        } finally {
            pty.close();
            finished.countDown();
        }
    }

    /** Input, as typed at the terminal; closing the stream leaves the terminal open. */
    OutputStream input() {
        return new ChunkOutputStream(pty::write);
    }

    void resize(int columns, int rows) throws IOException {
        pty.resize(columns, rows);
    }

    /** Waits a little for the output to be copied to its end, once the container's processes are gone. */
    void awaitEnd() {
        try {
            finished.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
