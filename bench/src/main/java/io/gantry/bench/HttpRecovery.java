package io.gantry.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Crash to serving again: checks that {@code --address host:port} answers HTTP 200, SIGKILLs {@code --kill-pid}
 * (a container's main process) and then asks every 5 ms, each time on a new connection, until a 200 comes back;
 * prints {@code recovered_ms}. The address is the same before and after (a pod restarted in place keeps its IP; a
 * replacement Swarm task takes over the published port), so the time covers noticing the exit, starting the
 * replacement and its server listening. Exits 1 when nothing answers within {@code --timeout} seconds.
 */
public final class HttpRecovery {
    private static final int CONNECT_TIMEOUT_MS = 200;
    private static final byte[] REQUEST = "GET / HTTP/1.0\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private HttpRecovery() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "address", "kill-pid", "timeout");
        String[] hostPort = args.required("address").split(":");
        InetSocketAddress address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        long pid = args.pid("kill-pid");
        Duration timeout = Duration.ofSeconds(args.integer("timeout", 60));
        if (!answersWithin(address, timeout)) {
            System.out.println("not serving before the kill: " + address);
            System.exit(1);
        }
        ProcessHandle victim = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        long killedAt = System.nanoTime();
        // SIGKILL on Linux, also for a process that is not this JVM's child
        victim.destroyForcibly();
        if (!answersWithin(address, timeout)) {
            System.out.println("not serving " + timeout.toSeconds() + " s after the kill: " + address);
            System.exit(1);
        }
        System.out.printf("recovered_ms=%.1f%n", (System.nanoTime() - killedAt) / 1e6);
    }

    private static boolean answersWithin(InetSocketAddress address, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (answers(address)) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return false;
    }

    /** One GET on a new connection; true for a 200 status line. */
    private static boolean answers(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(REQUEST);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.") && head.length == 12
                    && new String(head, 9, 3, StandardCharsets.US_ASCII).equals("200");
        } catch (IOException e) {
            return false;
        }
    }
}
