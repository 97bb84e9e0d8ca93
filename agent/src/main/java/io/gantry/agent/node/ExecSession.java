package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.runtime.ResizableTerminal;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One {@code kubectl exec} on the agent's side of the Kubernetes streaming protocol over WebSocket
 * ({@code v4.channel.k8s.io} and {@code v5.channel.k8s.io}): every binary message starts with a channel byte,
 * 0 stdin, 1 stdout, 2 stderr, 3 the final Status (how the command exited), 4 terminal resizes (for a command on
 * a terminal, which then writes stdout alone), and in v5 255 to close a channel (the client closing stdin). Public only because Jetty calls its listener methods through
 * method handles.
 */
public final class ExecSession implements Session.Listener.AutoDemanding {
    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);
    static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
    static final byte STDIN = 0;
    static final byte STDOUT = 1;
    static final byte STDERR = 2;
    static final byte ERROR = 3;
    static final byte RESIZE = 4;
    static final byte CLOSE = (byte) 255;
    private static final java.time.Duration CLOSE_GRACE = java.time.Duration.ofSeconds(5);

    private final Supplier<Process> start;
    private final boolean stdin;
    private final boolean stdout;
    private final boolean stderr;
    private final Object sendLock = new Object();
    private final boolean tty;
    private volatile Session session;
    private volatile Process process;
    /** What came for stdin before the command ran (a terminal's command waits for its size): given to it then. */
    private final java.io.ByteArrayOutputStream earlyStdin = new java.io.ByteArrayOutputStream();
    private boolean stdinClosedEarly;
    private final java.util.concurrent.CountDownLatch firstSize = new java.util.concurrent.CountDownLatch(1);
    private volatile int[] size;

    /**
     * @param start runs the command in the container; called once the connection is open
     * @param tty   the command runs on a terminal, whose size the client sends first
     */
    ExecSession(Supplier<Process> start, boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        this.start = start;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.tty = tty;
    }

    @Override
    public void onWebSocketOpen(Session opened) {
        session = opened;
        if (tty) {
            // kubectl sends the terminal's size as soon as it is connected; a command started before that would
            // find a terminal of no size (stty size fails), so it waits for the size a moment
            Thread.ofVirtual().name("exec-start").start(() -> {
                try {
                    firstSize.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                startCommand();
            });
        } else {
            startCommand();
        }
    }

    private void startCommand() {
        // without a terminal, started before any message is read, so that stdin sent right away reaches it
        Process p;
        try {
            p = start.get();
        } catch (RuntimeException e) {
            Thread.ofVirtual().start(() -> finish(failure("InternalError", e.getMessage(), null)));
            return;
        }
        int[] known = size;
        if (known != null && p instanceof ResizableTerminal terminal) {
            try {
                terminal.resize(known[0], known[1]);
            } catch (IOException e) {
                LOG.debug("terminal resize: {}", e.toString());
            }
        }
        synchronized (earlyStdin) {
            process = p;
            try {
                if (earlyStdin.size() > 0) {
                    p.getOutputStream().write(earlyStdin.toByteArray());
                    p.getOutputStream().flush();
                }
                if (stdinClosedEarly) {
                    p.getOutputStream().close();
                }
            } catch (IOException e) {
                LOG.debug("exec stdin: {}", e.toString());
            }
        }
        Thread.ofVirtual().name("exec").start(() -> run(p));
    }

    private void run(Process p) {
        try {
            if (!stdin) {
                p.getOutputStream().close();
            }
            Thread out = Thread.ofVirtual().start(() -> pump(p.getInputStream(), stdout ? STDOUT : -1));
            Thread err = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), stderr ? STDERR : -1));
            int code = p.waitFor();
            out.join(TimeUnit.SECONDS.toMillis(10));
            err.join(TimeUnit.SECONDS.toMillis(10));
            finish(code == 0 ? Json.object().put("status", "Success")
                    : failure("NonZeroExitCode", "command terminated with non-zero exit code: exit status " + code,
                    code));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            finish(failure("InternalError", e.getMessage(), null));
        }
    }

    /** Kubernetes' Status for a failed exec; kubectl takes the exit code from the ExitCode cause. */
    private static ObjectNode failure(String reason, String message, Integer exitCode) {
        ObjectNode status = Json.object().put("status", "Failure").put("message", message).put("reason", reason);
        status.putObject("metadata");
        if (exitCode != null) {
            status.putObject("details").putArray("causes").addObject().put("reason", "ExitCode")
                    .put("message", Integer.toString(exitCode));
        }
        return status;
    }

    private void pump(InputStream in, int channel) {
        byte[] buffer = new byte[16 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (channel >= 0 && n > 0) {
                    send((byte) channel, buffer, n);
                }
            }
        } catch (IOException e) {
            LOG.debug("exec stream ended: {}", e.toString());
        }
    }

    private void send(byte channel, byte[] data, int length) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            return;
        }
        ByteBuffer message = ByteBuffer.allocate(length + 1).put(channel).put(data, 0, length).flip();
        synchronized (sendLock) {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            s.sendBinary(message, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
            try {
                sent.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("exec send failed: {}", e.toString());
            }
        }
    }

    private void finish(ObjectNode status) {
        if (!status.has("metadata")) {
            status.putObject("metadata");
        }
        byte[] json = Json.bytes(status);
        send(ERROR, json, json.length);
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(StatusCode.NORMAL, "", Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        try {
            if (!payload.hasRemaining()) {
                return;
            }
            byte channel = payload.get();
            if (channel == STDIN && stdin) {
                byte[] data = new byte[payload.remaining()];
                payload.get(data);
                synchronized (earlyStdin) {
                    if (process == null) {
                        earlyStdin.write(data);
                        return;
                    }
                }
                OutputStream in = process.getOutputStream();
                in.write(data);
                in.flush();
            } else if (channel == CLOSE && payload.hasRemaining() && payload.get() == STDIN) {
                synchronized (earlyStdin) {
                    if (process == null) {
                        stdinClosedEarly = true;
                        return;
                    }
                }
                process.getOutputStream().close();
            } else if (channel == RESIZE) {
                int[] wanted = size(payload);
                if (wanted != null) {
                    size = wanted;
                    firstSize.countDown();
                    if (process instanceof ResizableTerminal terminal) {
                        terminal.resize(wanted[0], wanted[1]);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("exec stdin: {}", e.toString());
        } finally {
            callback.succeed();
        }
    }

    /** A resize message is JSON, {"Width":W,"Height":H}, as kubectl's terminal size queue sends it; null if not. */
    private static int[] size(ByteBuffer payload) {
        byte[] json = new byte[payload.remaining()];
        payload.get(json);
        try {
            var size = Json.MAPPER.readTree(json);
            int width = size.path("Width").asInt(0);
            int height = size.path("Height").asInt(0);
            if (width > 0 && height > 0) {
                return new int[] {width, height};
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("ignoring terminal resize {}: {}", new String(json, java.nio.charset.StandardCharsets.UTF_8),
                    e.toString());
        }
        return null;
    }

    /**
     * The client is gone: the command is asked to end (runc exec passes SIGTERM on to it; a killed runc would leave
     * it running in the container), and killed with what runs it if it has not after a grace period.
     */
    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            Thread.ofVirtual().name("exec-end").start(() -> {
                try {
                    if (!p.waitFor(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }
}
