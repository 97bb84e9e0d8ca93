package io.gantry.apiserver.security;

import io.gantry.api.files.SecureFiles;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM encoding of certificates and private keys, in the formats kubectl, openssl and Go read. */
public final class Pem {
    private Pem() {
    }

    public static String encode(X509Certificate certificate) {
        return write(certificate);
    }

    /** Private keys are written as unencrypted PKCS#8 ("PRIVATE KEY"), whatever the key algorithm. */
    public static String encode(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<X509Certificate> decodeCertificates(String pem) {
        List<X509Certificate> certs = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certs.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid certificate in PEM", e);
        }
        return certs;
    }

    /** The first certificate in the PEM text. */
    public static X509Certificate decodeCertificate(String pem) {
        List<X509Certificate> certs = decodeCertificates(pem);
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("no CERTIFICATE block in PEM");
        }
        return certs.getFirst();
    }

    /** Accepts PKCS#8 ("PRIVATE KEY") and the traditional OpenSSL forms ("EC PRIVATE KEY", "RSA PRIVATE KEY"). */
    public static PrivateKey decodePrivateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no unencrypted private key in PEM");
    }

    public static void writeCertificate(Path file, X509Certificate certificate) {
        SecureFiles.writeAtomically(file, encode(certificate).getBytes(StandardCharsets.US_ASCII), SecureFiles.PUBLIC_READ);
    }

    /** Written owner-only (0600). */
    public static void writePrivateKey(Path file, PrivateKey key) {
        SecureFiles.writeAtomically(file, encode(key).getBytes(StandardCharsets.US_ASCII), SecureFiles.OWNER_ONLY);
    }

    public static X509Certificate readCertificate(Path file) {
        return decodeCertificate(read(file));
    }

    public static PrivateKey readPrivateKey(Path file) {
        return decodePrivateKey(read(file));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
