package io.gantry.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    /** The TCP connection under {@link #socket}. */
    private Socket tcp;
    /** Whether the connection carries a stream ({@link #stream}), which ends only when closed. */
    private boolean streaming;
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
        Head answer = readHead();
        boolean keep = answer.status() != dropBodyOf;
        ByteArrayOutputStream content = keep ? new ByteArrayOutputStream() : null;
        boolean closes = answer.closes();
        if (answer.chunked()) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                copy(size, content);
                line();
            }
            skipTrailers();
        } else if (answer.length() >= 0) {
            copy(answer.length(), content);
        } else {
            closes = true;
            copy(Long.MAX_VALUE, content);
        }
        if (closes) {
            close();
        }
        return new Response(answer.status(), keep ? content.toByteArray() : new byte[0]);
    }

    /** An answer's status and the headers that say how its body is framed. */
    private record Head(int status, long length, boolean chunked, boolean closes) {
    }

    private Head readHead() throws IOException {
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
        return new Head(status, length, chunked, closes);
    }

    private void skipTrailers() throws IOException {
        while (!line().isEmpty()) {
            // trailers
        }
    }

    /**
     * GETs a stream that stays open, a watch: its status, and its body to read as it arrives. The JDK's HttpClient
     * hands a stream's bytes through its selector and worker threads; read here on the caller's thread, a watch
     * of thousands of events a second costs the machine less of what the server is measured with. The connection
     * serves nothing else afterwards; closing it ends the stream.
     */
    Streamed stream(String path, Duration readTimeout) throws IOException {
        if (socket == null) {
            open();
        }
        streaming = true;
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer " + token
                + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Head answer = readHead();
        InputStream body;
        if (answer.chunked()) {
            body = new ChunkedBody();
        } else if (answer.length() >= 0) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            copy(answer.length(), content);
            body = new ByteArrayInputStream(content.toByteArray());
        } else {
            body = in;
        }
        return new Streamed(answer.status(), body);
    }

    /** A streamed answer: its status and its body, read from the connection as it arrives. */
    record Streamed(int status, InputStream body) {
    }

    /** The body of a chunked answer, read chunk by chunk from the connection. */
    private final class ChunkedBody extends InputStream {
        private long left;
        private boolean started;
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                if (started) {
                    line(); // the line break after a chunk
                }
                started = true;
                left = chunkSize();
                if (left == 0) {
                    skipTrailers();
                    done = true;
                    return -1;
                }
            }
            int read = in.read(buffer, offset, (int) Math.min(length, left));
            if (read < 0) {
                throw new EOFException("the stream ended mid-chunk");
            }
            left -= read;
            return read;
        }
    }

    private void open() throws IOException {
        Socket tcp = new Socket();
        SSLSocket s;
        try {
            tcp.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            tcp.setTcpNoDelay(true);
            s = (SSLSocket) ssl.getSocketFactory().createSocket(tcp, host, port, true);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.startHandshake();
        } catch (IOException e) {
            tcp.close();
            throw e;
        }
        this.tcp = tcp;
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
                // A stream is cut off at the TCP level: closing TLS properly would wait to read the server's
                // close_notify, which comes only after the rest of a watch it is still sending.
                (streaming ? tcp : socket).close();
            } catch (IOException ignored) {
                // closing a connection that is going away anyway
            }
        }
        socket = null;
        tcp = null;
        streaming = false;
        in = null;
        out = null;
    }
}
