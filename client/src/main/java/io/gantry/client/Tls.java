package io.gantry.client;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** TLS contexts for talking to a Gantry API server: trust only the cluster CA, optionally with a client certificate. */
public final class Tls {
    private Tls() {
    }

    /** Trusts only the given CA (PEM). */
    public static SSLContext trusting(String caPem) {
        return context(caPem, null, null);
    }

    /** Trusts the CA and presents a client certificate (PEM) with its PKCS#8 private key (PEM, EC or RSA). */
    public static SSLContext withClientCertificate(String caPem, String certificatePem, String keyPem) {
        return context(caPem, certificatePem, keyPem);
    }

    private static SSLContext context(String caPem, String certificatePem, String keyPem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate ca : factory.generateCertificates(stream(caPem))) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (certificatePem != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                Certificate[] chain = factory.generateCertificates(stream(certificatePem)).toArray(new Certificate[0]);
                keys.setKeyEntry("client", privateKey(keyPem, chain[0].getPublicKey().getAlgorithm()), new char[0], chain);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("bad TLS material: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem, String algorithm) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
