package io.gantry.apiserver.join;

import io.gantry.apiserver.security.ClusterCredentials;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * The join token as handed to agents: {@code <secret>:sha256:<hex>}, the bearer secret followed by the SHA-256
 * of the cluster CA's SubjectPublicKeyInfo (kubeadm's {@code --discovery-token-ca-cert-hash}). The agent checks
 * the CA the server presents against the hash before it sends the secret, so a first contact without a CA file
 * is still safe from a man in the middle. A ':' never occurs in a bearer token, so the split is unambiguous;
 * the server only ever sees the secret.
 */
public final class JoinTokens {
    private JoinTokens() {
    }

    public static String withCaHash(ClusterCredentials credentials) {
        return credentials.joinToken() + ":" + caHash(credentials.ca());
    }

    /** {@code sha256:<lowercase hex>} of the certificate's public key (DER SubjectPublicKeyInfo). */
    public static String caHash(X509Certificate ca) {
        try {
            return "sha256:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
