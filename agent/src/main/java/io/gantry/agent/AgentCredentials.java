package io.gantry.agent;

import io.gantry.api.files.SecureFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The agent's identity after joining: the cluster CA it pinned, its client certificate and the private key it
 * generated (which never left this machine). Kept in the data directory as {@code ca.crt}, {@code agent.crt}
 * and {@code agent.key}, all 0600, so that a restarted agent keeps its identity without the join token.
 */
public record AgentCredentials(String identity, String caPem, String certificatePem, String keyPem) {
    static final String CA_FILE = "ca.crt";
    static final String CERT_FILE = "agent.crt";
    static final String KEY_FILE = "agent.key";
    /** A certificate closer than this to expiry is replaced by joining again (while the join token still works). */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** The certificate. */
    public X509Certificate certificate() {
        return Pems.certificates(certificatePem).getFirst();
    }

    /** Saved credentials for {@code identity}, if present, readable and still valid for a while at {@code now}. */
    public static Optional<AgentCredentials> load(Path dataDir, String identity, Instant now) {
        Path ca = dataDir.resolve(CA_FILE);
        Path cert = dataDir.resolve(CERT_FILE);
        Path key = dataDir.resolve(KEY_FILE);
        if (!Files.exists(ca) || !Files.exists(cert) || !Files.exists(key)) {
            return Optional.empty();
        }
        try {
            AgentCredentials saved = new AgentCredentials(identity, Files.readString(ca), Files.readString(cert),
                    Files.readString(key));
            X509Certificate c = saved.certificate();
            boolean fresh = c.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE));
            boolean mine = c.getSubjectX500Principal().getName().contains("CN=system:node:" + identity);
            return fresh && mine ? Optional.of(saved) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void save(Path dataDir) {
        SecureFiles.createPrivateDirectory(dataDir);
        // key first: a certificate without its key is useless, a key without a certificate just means join again
        write(dataDir.resolve(KEY_FILE), keyPem);
        write(dataDir.resolve(CA_FILE), caPem);
        write(dataDir.resolve(CERT_FILE), certificatePem);
    }

    /** Written to a 0600 temp file then renamed, so no reader ever sees a partial or world-readable secret. */
    private static void write(Path file, String content) {
        SecureFiles.writeAtomically(file, content.getBytes(StandardCharsets.US_ASCII), SecureFiles.OWNER_ONLY);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "AgentCredentials[" + identity + "]";
    }
}
