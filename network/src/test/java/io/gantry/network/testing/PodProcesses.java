package io.gantry.network.testing;

import io.gantry.network.exec.ProcessResult;
import io.gantry.network.ns.PodNamespacePaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Busybox processes inside a pod's network namespace, standing in for the pod's containers. */
public final class PodProcesses {

    private PodProcesses() {
    }

    /** Starts busybox httpd in the pod, serving {@code body} as /index.html on {@code port}; kill it with close. */
    public static Server httpServer(PodNamespacePaths pod, int port, Path docRoot, String body) throws IOException {
        Files.createDirectories(docRoot);
        Files.writeString(docRoot.resolve("index.html"), body);
        Process process = new ProcessBuilder("nsenter", "--net=" + pod.net(), "/bin/busybox", "httpd", "-f",
                "-p", String.valueOf(port), "-h", docRoot.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new Server(process);
    }

    /**
     * Fetches http://ip:port/index.html from inside another pod with busybox wget. Without -T: Debian 12's static
     * busybox 1.35 wget crashes (SIGSEGV) with it; HostCommands' own timeout bounds the call instead.
     */
    public static String wgetFrom(PodNamespacePaths pod, String ip, int port) {
        return HostCommands.ok("nsenter", "--net=" + pod.net(), "/bin/busybox", "wget", "-q", "-O", "-",
                "http://" + ip + ":" + port + "/index.html");
    }

    /**
     * As {@link #wgetFrom}, giving up after {@code seconds} (coreutils' timeout stands in for wget's -T, see
     * there): the page, or empty when the connection failed or hung, as one whose packets are dropped does.
     */
    public static Optional<String> wgetWithin(PodNamespacePaths pod, String ip, int port, int seconds) {
        ProcessResult result = HostCommands.run("timeout", String.valueOf(seconds), "nsenter", "--net=" + pod.net(),
                "/bin/busybox", "wget", "-q", "-O", "-", "http://" + ip + ":" + port + "/index.html");
        return result.succeeded() ? Optional.of(result.stdout()) : Optional.empty();
    }

    /** A minimal HTTP/1.0 GET from the host itself, over whatever route the host has to {@code ip}. */
    public static String httpGetFromHost(String ip, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, port), 2000);
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /index.html HTTP/1.0\r\nHost: " + ip + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int bodyStart = response.indexOf("\r\n\r\n");
            return bodyStart < 0 ? response : response.substring(bodyStart + 4);
        }
    }

    /** A server process in a pod; closing kills it and waits for it to be gone. */
    public record Server(Process process) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
