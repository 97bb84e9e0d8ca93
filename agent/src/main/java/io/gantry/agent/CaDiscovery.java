package io.gantry.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How an agent without a CA file comes to trust the API server: it opens one TLS handshake that verifies
 * nothing and sends nothing (no token, no request), and looks at the chain the server presents (the Gantry
 * server sends its CA after its certificate). The CA is accepted if its public key matches the hash carried by
 * the join token; without a hash it is trusted on first use (kubeadm's "unsafe skip CA verification"), with a
 * warning. Either way the server certificate must be signed by that CA, and the CA is then pinned: the join
 * call and everything after it verify the server against it.
 */
final class CaDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(CaDiscovery.class);
    private static final int TIMEOUT_MILLIS = 10_000;

    private CaDiscovery() {
    }

    static String discover(String serverUrl, String expectedHash) {
        List<X509Certificate> chain = presentedChain(serverUrl);
        if (chain.isEmpty()) {
            throw new IllegalStateException("the server at " + serverUrl + " presented no certificate");
        }
        X509Certificate leaf = chain.getFirst();
        X509Certificate ca = null;
        for (X509Certificate candidate : chain) {
            boolean selfSigned = candidate.getSubjectX500Principal().equals(candidate.getIssuerX500Principal());
            if (expectedHash != null ? Pems.publicKeyHash(candidate).equals(expectedHash) : selfSigned) {
                ca = candidate;
            }
        }
        if (ca == null) {
            throw new IllegalStateException(expectedHash != null
                    ? "the server at " + serverUrl + " does not present a CA matching " + expectedHash
                    : "the server at " + serverUrl + " does not present its CA; pass --ca-file");
        }
        try {
            leaf.verify(ca.getPublicKey());
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the server certificate is not valid under the CA it presented", e);
        }
        if (expectedHash == null) {
            LOG.warn("trusting the CA presented by {} on first use ({}); give the join token with its CA hash or"
                    + " --ca-file to verify it", serverUrl, Pems.publicKeyHash(ca));
        }
        return Pems.certificate(ca);
    }

    private static List<X509Certificate> presentedChain(String serverUrl) {
        URI uri = URI.create(serverUrl);
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new RecordingTrustManager(seen)}, null);
            try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), port), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.startHandshake();
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot reach " + serverUrl + " to discover its CA: " + e.getMessage(), e);
        }
        X509Certificate[] chain = seen.get();
        return chain == null ? List.of() : List.of(chain);
    }

    /** Accepts any server chain and remembers it: used only for the handshake above, which carries no data. */
    private record RecordingTrustManager(AtomicReference<X509Certificate[]> seen) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            seen.set(chain.clone());
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
