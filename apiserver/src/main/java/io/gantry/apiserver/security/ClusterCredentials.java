package io.gantry.apiserver.security;
import io.gantry.api.files.SecureFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The cluster's security material, kept under {@code dir} ({@code pki/} and {@code tokens/}): a CA, a server
 * certificate signed by it, and the admin and join bearer tokens. Created on first start and reused after, so
 * kubeconfigs and joined agents keep working across restarts.
 */
public record ClusterCredentials(Path dir, X509Certificate ca, PrivateKey caKey, X509Certificate serverCert,
                                 PrivateKey serverKey, String adminToken, String joinToken) {
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVER_VALIDITY = Duration.ofDays(365);
    /** A server certificate closer than this to expiry is replaced at start-up rather than left to lapse. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    static final String CA_COMMON_NAME = "gantry-ca";
    static final String SERVER_COMMON_NAME = "gantry-apiserver";
    private static final int TOKEN_BYTES = 32;
    /** RFC 6750 b64token: what may follow "Bearer " in a header. */
    private static final Pattern TOKEN_SYNTAX = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    public ClusterCredentials {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(caKey, "caKey");
        Objects.requireNonNull(serverCert, "serverCert");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(joinToken, "joinToken");
    }

    /**
     * Loads {@code <dataDir>/pki} and {@code <dataDir>/tokens}, creating whatever is missing. A server
     * certificate that no longer covers this host's names plus {@code extraSans}, expires within 30 days, or
     * does not belong to the CA is re-issued (with a new key) by the same CA. A CA certificate without its key
     * (or the reverse) is refused rather than replaced: replacing it would silently break every client that
     * trusts the old one.
     */
    public static ClusterCredentials loadOrCreate(Path dataDir, List<String> extraSans) {
        return loadOrCreate(dataDir, SubjectAltNames.forLocalHost(extraSans), Instant.now(), new SecureRandom());
    }

    static ClusterCredentials loadOrCreate(Path dataDir, SubjectAltNames sans, Instant now, SecureRandom random) {
        Path dir = dataDir.toAbsolutePath();
        SecureFiles.createPrivateDirectory(dir);
        SecureFiles.createPrivateDirectory(pkiDir(dir));
        SecureFiles.createPrivateDirectory(tokensDir(dir));
        // several processes may start against one data directory; only one may create material
        try (FileChannel lockFile = FileChannel.open(pkiDir(dir).resolve(".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            return loadOrCreateLocked(dir, sans, now, new Certificates(random), random);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + pkiDir(dir), e);
        }
    }

    private static ClusterCredentials loadOrCreateLocked(Path dir, SubjectAltNames sans, Instant now,
                                                         Certificates certificates, SecureRandom random) {
        Path caCert = caCertFile(dir);
        Path caKeyFile = pkiDir(dir).resolve("ca.key");
        X509Certificate ca;
        PrivateKey caKey;
        if (Files.exists(caCert) && Files.exists(caKeyFile)) {
            ca = Pem.readCertificate(caCert);
            caKey = Pem.readPrivateKey(caKeyFile);
            if (!Certificates.keyMatches(ca, caKey)) {
                throw new IllegalStateException(caKeyFile + " is not the key of " + caCert);
            }
        } else if (Files.exists(caCert) || Files.exists(caKeyFile)) {
            throw new IllegalStateException("incomplete cluster CA in " + pkiDir(dir)
                    + ": both ca.crt and ca.key are needed (remove both to create a new CA)");
        } else {
            KeyPair keys = certificates.newKeyPair();
            // a per-cluster name, so that a client holding another cluster's CA gets a clear error, not a
            // signature mismatch against a same-named authority
            ca = certificates.selfSignedCa(keys, CA_COMMON_NAME + "@" + now.getEpochSecond(), now, CA_VALIDITY);
            caKey = keys.getPrivate();
            // key first: a certificate without its key would block the next start
            Pem.writePrivateKey(caKeyFile, caKey);
            Pem.writeCertificate(caCert, ca);
        }

        Path serverCertFile = serverCertFile(dir);
        Path serverKeyFile = pkiDir(dir).resolve("server.key");
        X509Certificate server = null;
        PrivateKey serverKey = null;
        if (Files.exists(serverCertFile) && Files.exists(serverKeyFile)) {
            server = Pem.readCertificate(serverCertFile);
            serverKey = Pem.readPrivateKey(serverKeyFile);
        }
        if (server == null || !serverCertStillGood(server, serverKey, ca, sans, now)) {
            KeyPair keys = certificates.newKeyPair();
            server = certificates.server(ca, caKey, keys.getPublic(), SERVER_COMMON_NAME, sans, now, SERVER_VALIDITY);
            serverKey = keys.getPrivate();
            Pem.writePrivateKey(serverKeyFile, serverKey);
            Pem.writeCertificate(serverCertFile, server);
        }

        String admin = loadOrCreateToken(tokensDir(dir).resolve("admin.token"), random);
        String join = loadOrCreateToken(tokensDir(dir).resolve("join.token"), random);
        return new ClusterCredentials(dir, ca, caKey, server, serverKey, admin, join);
    }

    private static boolean serverCertStillGood(X509Certificate server, PrivateKey key, X509Certificate ca,
                                               SubjectAltNames sans, Instant now) {
        return Certificates.issuedBy(server, ca, now)
                && Certificates.keyMatches(server, key)
                && server.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE))
                && SubjectAltNames.ofCertificate(server).covers(sans);
    }

    private static String loadOrCreateToken(Path file, SecureRandom random) {
        if (Files.exists(file)) {
            String token;
            try {
                token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            if (!token.isEmpty()) {
                if (!TOKEN_SYNTAX.matcher(token).matches()) {
                    throw new IllegalStateException(file + " does not hold a valid bearer token");
                }
                return token;
            }
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        SecureFiles.writeAtomically(file, (token + "\n").getBytes(StandardCharsets.US_ASCII), SecureFiles.OWNER_ONLY);
        return token;
    }

    /** A certificate/key pair a client (an agent, an operator) presents to the API server. */
    public record ClientCertificate(X509Certificate certificate, PrivateKey key) {
        public String certificatePem() {
            return Pem.encode(certificate);
        }

        public String keyPem() {
            return Pem.encode(key);
        }

        @Override
        public String toString() {
            return "ClientCertificate[" + certificate.getSubjectX500Principal() + "]";
        }
    }

    /**
     * Issues a client certificate signed by the cluster CA; {@code system:node:NAME} as common name makes the
     * holder authenticate as that node. Nothing is written to disk: the caller hands it to its holder.
     */
    public ClientCertificate issueClientCertificate(String commonName, Duration validity) {
        Certificates certificates = new Certificates(new SecureRandom());
        KeyPair keys = certificates.newKeyPair();
        X509Certificate cert = certificates.client(ca, caKey, keys.getPublic(), commonName, Instant.now(), validity);
        return new ClientCertificate(cert, keys.getPrivate());
    }

    /**
     * Issues a client certificate for a key its holder generated and keeps (the private key never reaches the
     * server), as a join does: {@code CN=commonName, O=organization}, client authentication only.
     */
    public X509Certificate issueClientCertificate(String commonName, String organization, PublicKey subjectKey,
                                                  Duration validity) {
        return new Certificates(new SecureRandom()).client(ca, caKey, subjectKey, commonName, organization,
                Instant.now(), validity);
    }

    public String caPem() {
        return Pem.encode(ca);
    }

    public Path caCertFile() {
        return caCertFile(dir);
    }

    public Path serverCertFile() {
        return serverCertFile(dir);
    }

    /** Never prints keys or tokens: records like this end up in logs. */
    @Override
    public String toString() {
        return "ClusterCredentials[dir=" + dir + ", ca=" + ca.getSubjectX500Principal()
                + ", server=" + serverCert.getSubjectX500Principal() + " until " + serverCert.getNotAfter() + "]";
    }

    private static Path pkiDir(Path dir) {
        return dir.resolve("pki");
    }

    private static Path tokensDir(Path dir) {
        return dir.resolve("tokens");
    }

    private static Path caCertFile(Path dir) {
        return pkiDir(dir).resolve("ca.crt");
    }

    private static Path serverCertFile(Path dir) {
        return pkiDir(dir).resolve("server.crt");
    }
}
