package io.gantry.apiserver.security;

import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/** Creates EC P-256 keys and the three kinds of certificate the cluster needs: CA, server and client. */
final class Certificates {
    /** Tolerates clocks a little behind ours on freshly issued certificates. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final SecureRandom random;

    Certificates(SecureRandom random) {
        this.random = random;
    }

    KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }

    X509Certificate selfSignedCa(KeyPair keys, String commonName, Instant now, Duration validity) {
        X500Name name = cn(commonName);
        return build(name, keys.getPublic(), name, keys.getPrivate(), keys.getPublic(), now, validity, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        });
    }

    X509Certificate server(X509Certificate ca, PrivateKey caKey, PublicKey subjectKey, String commonName,
                           SubjectAltNames sans, Instant now, Duration validity) {
        return leaf(ca, caKey, subjectKey, commonName, now, validity, KeyPurposeId.id_kp_serverAuth, sans);
    }

    X509Certificate client(X509Certificate ca, PrivateKey caKey, PublicKey subjectKey, String commonName,
                           Instant now, Duration validity) {
        return leaf(ca, caKey, subjectKey, cn(commonName), now, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** A client certificate whose subject also names a group (O=), as Kubernetes reads groups from certificates. */
    X509Certificate client(X509Certificate ca, PrivateKey caKey, PublicKey subjectKey, String commonName,
                           String organization, Instant now, Duration validity) {
        X500Name subject = new X500Name(new RDN[] {
                new RDN(BCStyle.O, new DERUTF8String(organization)),
                new RDN(BCStyle.CN, new DERUTF8String(commonName))});
        return leaf(ca, caKey, subjectKey, subject, now, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    private X509Certificate leaf(X509Certificate ca, PrivateKey caKey, PublicKey subjectKey, String commonName,
                                 Instant now, Duration validity, KeyPurposeId purpose, SubjectAltNames sans) {
        return leaf(ca, caKey, subjectKey, cn(commonName), now, validity, purpose, sans);
    }

    private X509Certificate leaf(X509Certificate ca, PrivateKey caKey, PublicKey subjectKey, X500Name subject,
                                 Instant now, Duration validity, KeyPurposeId purpose, SubjectAltNames sans) {
        return build(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), ca.getPublicKey(),
                subject, caKey, subjectKey, now, validity, builder -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    // key encipherment is only meaningful for RSA key transport; ECDSA keys only sign
                    int usage = subjectKey.getAlgorithm().equals("RSA")
                            ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                            : KeyUsage.digitalSignature;
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                    if (sans != null) {
                        builder.addExtension(Extension.subjectAlternativeName, false, sans.toGeneralNames());
                    }
                });
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws CertIOException;
    }

    private X509Certificate build(X500Name issuer, PublicKey issuerKey, X500Name subject, PrivateKey signingKey,
                                  PublicKey subjectKey, Instant now, Duration validity, Extensions extensions) {
        try {
            // positive and below 2^159 so that it fits the 20 octets RFC 5280 allows
            BigInteger serial = new BigInteger(159, random).setBit(158);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, subjectKey);
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerKey));
            extensions.add(builder);
            var signer = new JcaContentSignerBuilder(signatureAlgorithm(signingKey)).setSecureRandom(random).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot issue certificate for " + subject, e);
        }
    }

    /** True if {@code key} is the private half of the key in {@code certificate}. */
    static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
        try {
            byte[] probe = "gantry key match probe".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(signatureAlgorithm(key));
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signatureAlgorithm(key));
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** True if {@code certificate} carries {@code issuer}'s signature and is within its validity period. */
    static boolean issuedBy(X509Certificate certificate, X509Certificate issuer, Instant now) {
        try {
            certificate.verify(issuer.getPublicKey());
            certificate.checkValidity(Date.from(now));
            return certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static Optional<String> commonName(X509Certificate certificate) {
        var rdns = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        if (rdns.length == 0) {
            return Optional.empty();
        }
        var value = rdns[0].getFirst().getValue();
        return Optional.of(value instanceof ASN1String s ? s.getString() : IETFUtils.valueToString(value));
    }

    private static X500Name cn(String commonName) {
        return new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(commonName))});
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
        };
    }
}
