package io.gantry.apiserver.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Establishes the {@link Principal} of a request from its client certificate or its bearer token.
 * <p>
 * An empty result means credentials were presented and are wrong (answer 401); a request that presents none
 * is {@link Principal.Anonymous}, as in Kubernetes, and authorisation decides what that may do. A valid client
 * certificate wins over a token; an invalid one fails the request even if the token is good, since a client
 * that presents a bad certificate is either misconfigured or forging.
 */
public final class TokenAuthenticator {
    private static final String BEARER = "bearer";
    private static final String CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE_OID = "2.5.29.37.0";

    /** Client certificates whose signature and purpose were checked, with the principal they name. */
    private static final int MAX_REMEMBERED_CERTIFICATES = 20_000;
    private final Map<X509Certificate, Optional<Principal>> checkedCertificates = new ConcurrentHashMap<>();
    private final X509Certificate ca;
    private final byte[] adminDigest;
    private final byte[] joinDigest;

    public TokenAuthenticator(ClusterCredentials credentials) {
        this.ca = credentials.ca();
        this.adminDigest = sha256(credentials.adminToken());
        this.joinDigest = sha256(credentials.joinToken());
    }

    public Optional<Principal> authenticate(String authorizationHeader, X509Certificate[] clientCertChain) {
        if (clientCertChain != null && clientCertChain.length > 0) {
            return fromCertificate(clientCertChain[0]);
        }
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            return Optional.of(new Principal.Anonymous());
        }
        String header = authorizationHeader.strip();
        int space = header.indexOf(' ');
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        if (!scheme.equals(BEARER)) {
            // other schemes (Basic, ...) are not ours to judge: like Kubernetes, treat them as no credentials
            return Optional.of(new Principal.Anonymous());
        }
        String token = space < 0 ? "" : header.substring(space + 1).strip();
        if (token.isEmpty()) {
            return Optional.empty();
        }
        // Comparing fixed-length digests with MessageDigest.isEqual takes the same time wherever the tokens
        // differ and whatever their lengths, so response timing reveals nothing about the secret.
        byte[] presented = sha256(token);
        boolean admin = MessageDigest.isEqual(presented, adminDigest);
        boolean join = MessageDigest.isEqual(presented, joinDigest);
        if (admin) {
            return Optional.of(new Principal.Admin());
        }
        if (join) {
            return Optional.of(new Principal.Joiner());
        }
        return Optional.empty();
    }

    /**
     * Jetty has already verified the chain during the handshake, but authentication must not depend on how the
     * connector happens to be configured, so the signature, validity and purpose are checked again here.
     */
    private Optional<Principal> fromCertificate(X509Certificate certificate) {
        try {
            certificate.checkValidity();
        } catch (CertificateException e) {
            return Optional.empty();
        }
        // A signature check costs more than the rest of a small request; an agent presents the same certificate
        // on every request, so each one is checked once (the validity period above still is every time).
        Optional<Principal> known = checkedCertificates.get(certificate);
        if (known != null) {
            return known;
        }
        Optional<Principal> principal = principalOf(certificate);
        if (checkedCertificates.size() >= MAX_REMEMBERED_CERTIFICATES) {
            checkedCertificates.clear();
        }
        checkedCertificates.put(certificate, principal);
        return principal;
    }

    private Optional<Principal> principalOf(X509Certificate certificate) {
        if (!Certificates.issuedBy(certificate, ca, Instant.now()) || !usableForClientAuth(certificate)) {
            return Optional.empty();
        }
        return Certificates.commonName(certificate)
                .filter(cn -> !cn.isBlank())
                .map(cn -> cn.startsWith(Principal.Node.PREFIX) && cn.length() > Principal.Node.PREFIX.length()
                        ? new Principal.Node(cn.substring(Principal.Node.PREFIX.length()))
                        : new Principal.User(cn));
    }

    private static boolean usableForClientAuth(X509Certificate certificate) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages == null || usages.contains(CLIENT_AUTH_OID) || usages.contains(ANY_EXTENDED_KEY_USAGE_OID);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
