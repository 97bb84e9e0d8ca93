package io.gantry.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The service traffic benchmark's backend: a minimal HTTP/1.1 server answering every request with a two-byte
 * body, a virtual thread per connection, keeping connections open unless the request says {@code Connection:
 * close}. Small and fast on purpose, so that what the client measures is the path to it, not the server.
 * It listens on several ports so that connections straight to it and connections through a cluster IP never share
 * a four-tuple: a new connection meeting the TIME_WAIT of an old one with the same tuple (the server closes
 * first) stalls for a SYN retransmission, which would be measured as the path's cost.
 */
public final class HttpEchoServer {
    static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    private HttpEchoServer() {
    }

    /** {@code --ports 8080,8081}: the same server on each port (one per kind of path, see ServiceTrafficBench). */
    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "ports");
        java.util.List<Thread> acceptors = new java.util.ArrayList<>();
        for (String port : args.string("ports", "8080").split(",")) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(Integer.parseInt(port)), 1024);
            acceptors.add(Thread.ofPlatform().start(() -> accept(server)));
        }
        System.out.println("ready on " + args.string("ports", "8080"));
        System.out.flush();
        for (Thread acceptor : acceptors) {
            acceptor.join();
        }
    }

    private static void accept(ServerSocket server) {
        try (server) {
            while (true) {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            socket.setTcpNoDelay(true);
            byte[] buffer = new byte[4096];
            StringBuilder request = new StringBuilder();
            int read;
            while ((read = in.read(buffer)) > 0) {
                request.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
                int end;
                while ((end = request.indexOf("\r\n\r\n")) >= 0) {
                    String head = request.substring(0, end);
                    request.delete(0, end + 4);
                    out.write(RESPONSE);
                    out.flush();
                    if (head.toLowerCase(java.util.Locale.ROOT).contains("connection: close")) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
