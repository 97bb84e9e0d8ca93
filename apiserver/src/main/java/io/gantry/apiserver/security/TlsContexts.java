package io.gantry.apiserver.security;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Jetty TLS configuration for the API server, built from the cluster credentials held in memory. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * TLS 1.2 and 1.3 only. Client certificates are requested but optional, and trusted only if the cluster CA
     * signed them: bearer-token clients such as kubectl connect without one, agents present one.
     * To see the client's certificate in a handler, add a {@code SecureRequestCustomizer} to the connector's
     * {@code HttpConfiguration} and call {@link #clientCertificates(Request)}.
     */
    public static SslContextFactory.Server server(ClusterCredentials credentials) {
        // the key store only lives in memory; its password just satisfies the KeyStore API
        char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", credentials.serverKey(), password,
                    new Certificate[] {credentials.serverCert(), credentials.ca()});
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry("cluster-ca", credentials.ca());

            SslContextFactory.Server factory = new SslContextFactory.Server();
            factory.setKeyStore(keyStore);
            factory.setKeyStorePassword(new String(password));
            factory.setTrustStore(trustStore);
            factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            factory.setWantClientAuth(true);
            factory.setNeedClientAuth(false);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build TLS key store", e);
        }
    }

    /** The verified client certificate chain of a TLS request, or null if the client presented none. */
    public static X509Certificate[] clientCertificates(Request request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData data) {
            X509Certificate[] chain = data.peerCertificates();
            return chain == null || chain.length == 0 ? null : chain;
        }
        return null;
    }
}
