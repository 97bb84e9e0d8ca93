package io.gantry.agent;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A join token as the agent receives it: the bearer secret, optionally followed by {@code :sha256:<hex>}, the
 * SHA-256 of the cluster CA's public key (DER SubjectPublicKeyInfo), as kubeadm's discovery hash. With the hash
 * the agent can trust the server on first contact without a CA file; the server only ever sees the secret.
 *
 * @param caHash "sha256:<64 lowercase hex>", or null when the token carries none
 */
public record JoinToken(String secret, String caHash) {
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

    public JoinToken {
        Objects.requireNonNull(secret, "secret");
        if (!SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException("the join token is not a valid bearer token");
        }
        if (caHash != null && !HASH.matcher(caHash).matches()) {
            throw new IllegalArgumentException("the CA hash in the join token must be sha256:<64 hex digits>");
        }
    }

    /** Accepts {@code <secret>} and {@code <secret>:sha256:<hex>} (a ':' never occurs in a bearer token). */
    public static JoinToken parse(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        if (colon < 0) {
            return new JoinToken(t, null);
        }
        return new JoinToken(t.substring(0, colon), t.substring(colon + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "JoinToken[caHash=" + caHash + "]";
    }
}
