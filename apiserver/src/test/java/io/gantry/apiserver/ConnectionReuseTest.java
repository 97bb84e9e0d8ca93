package io.gantry.apiserver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request rejected before its body was read must leave the keep-alive connection usable: clients send
 * their next request on it as soon as they have the answer. Bodies arrive with a Content-Length or chunked.
 */
class ConnectionReuseTest {
    @RegisterExtension
    static final TestCluster cluster = new TestCluster();

    @Test
    void aRejectedRequestWhoseBodyArrivesLateKeepsTheConnectionOpen() throws Exception {
        URI uri = URI.create(cluster.url("/"));
        try (SSLSocket socket = connect(uri)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"late\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            // an apply without fieldManager is refused from the headers alone, before the body is read
            out.write(("PATCH /api/v1/namespaces/default/configmaps/late HTTP/1.1\r\n"
                    + "Host: " + uri.getHost() + "\r\n"
                    + "Authorization: Bearer " + cluster.token() + "\r\n"
                    + "Content-Type: application/apply-patch+yaml\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            out.write(body);
            out.flush();
            Response rejected = Response.read(in);
            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.body()).contains("must specify fieldManager");
            assertThat(rejected.closes()).isFalse();

            out.write(("GET /version HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
                    + "Authorization: Bearer " + cluster.token() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(Response.read(in).status()).isEqualTo(200);
        }
    }

    @Test
    void aChunkedBodyWithoutContentLengthIsReadWhole() throws Exception {
        URI uri = URI.create(cluster.url("/"));
        try (SSLSocket socket = connect(uri)) {
            OutputStream out = socket.getOutputStream();
            String first = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"chunked\"},";
            String second = "\"data\":{\"k\":\"" + "v".repeat(40_000) + "\"}}";
            out.write(("POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\n"
                    + "Host: " + uri.getHost() + "\r\n"
                    + "Authorization: Bearer " + cluster.token() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String chunk : new String[] {first, second}) {
                out.write((Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Response created = Response.read(socket.getInputStream());
            assertThat(created.status()).isEqualTo(201);
        }
        assertThat(cluster.get("/api/v1/namespaces/default/configmaps/chunked").body().at("/data/k").asText())
                .hasSize(40_000);
    }

    /** A raw TLS connection to the test server, so that the test writes the request bytes itself. */
    private static SSLSocket connect(URI uri) throws IOException {
        SSLSocket socket = (SSLSocket) cluster.sslContext().getSocketFactory().createSocket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Just enough of an HTTP/1.1 response reader for Content-Length bodies. */
    private record Response(int status, boolean closes, String body) {
        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = 0;
            boolean closes = false;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring("content-length:".length()).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closes = true;
                }
            }
            return new Response(status, closes, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed mid-response");
                }
                if (b != '\r') {
                    buffer.write(b);
                }
            }
            return buffer.toString(StandardCharsets.US_ASCII);
        }
    }
}
