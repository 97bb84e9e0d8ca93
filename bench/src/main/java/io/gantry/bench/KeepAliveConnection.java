package io.gantry.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One blocking HTTP/1.1 connection over TLS, kept alive, for a load generator's own thread. The JDK's HttpClient
 * spends about half a millisecond of CPU per small request on its asynchronous machinery; on a two-core machine
 * that the benchmark shares with the server, that would be CPU taken from what is measured. This client writes a
 * request and reads its answer on the calling thread, nothing more: no redirects, no compression, no pipelining.
 */
final class KeepAliveConnection implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TIMEOUT_MS = (int) ApiClient.REQUEST_TIMEOUT.toMillis();

    /** A status and, unless the caller dropped it, the body. */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final SSLContext ssl;
    private final String host;
    private final int port;
    private final String token;
    private SSLSocket socket;
    private InputStream in;
    private OutputStream out;

    KeepAliveConnection(SSLContext ssl, URI base, String token) {
        if (!base.getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("benchmarks only talk to 127.0.0.1, not " + base);
        }
        this.ssl = ssl;
        this.host = base.getHost();
        this.port = base.getPort();
        this.token = token;
    }

    /**
     * POSTs a JSON body. The body of an answer with status {@code dropBodyOf} is read and discarded; any other is
     * returned. A connection the server closed is opened again once.
     */
    Response post(String path, byte[] json, int dropBodyOf) throws IOException {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer "
                + token + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
                + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        boolean fresh = socket == null;
        try {
            return exchange(head, json, dropBodyOf);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            return exchange(head, json, dropBodyOf); // the kept connection had gone away meanwhile
        }
    }

    private Response exchange(byte[] head, byte[] body, int dropBodyOf) throws IOException {
        if (socket == null) {
            open();
        }
        out.write(head);
        out.write(body);
        out.flush();
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closes = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        boolean keep = status != dropBodyOf;
        ByteArrayOutputStream content = keep ? new ByteArrayOutputStream() : null;
        if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                copy(size, content);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            copy(length, content);
        } else {
            closes = true;
            copy(Long.MAX_VALUE, content);
        }
        if (closes) {
            close();
        }
        return new Response(status, keep ? content.toByteArray() : new byte[0]);
    }

    private void open() throws IOException {
        SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        out = new BufferedOutputStream(s.getOutputStream(), 1 << 14);
    }

    private long chunkSize() throws IOException {
        String size = line();
        int ext = size.indexOf(';');
        return Long.parseLong((ext < 0 ? size : size.substring(0, ext)).trim(), 16);
    }

    /** Reads {@code n} bytes (or to the end for Long.MAX_VALUE) into {@code to}, or drops them when it is null. */
    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buffer = new byte[8192];
        while (n > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (read < 0) {
                if (n == Long.MAX_VALUE) {
                    return;
                }
                throw new EOFException("the answer ended early");
            }
            if (to != null) {
                to.write(buffer, 0, read);
            }
            n -= read;
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed mid-answer");
            }
            if (b == '\n') {
                int end = s.length();
                return end > 0 && s.charAt(end - 1) == '\r' ? s.substring(0, end - 1) : s.toString();
            }
            s.append((char) b);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection that is going away anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
