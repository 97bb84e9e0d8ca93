package io.gantry.images.oci;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:<64 lowercase hex>}. Only the algorithms the OCI image spec registers
 * (sha256, sha512) are accepted, because a digest we cannot recompute is a digest we cannot verify.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
    public static final String SHA256 = "sha256";
    public static final String SHA512 = "sha512";
    private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");

    public Digest {
        if (algorithm == null || hex == null) {
            throw new IllegalArgumentException("digest algorithm and hex must not be null");
        }
        int expectedLength = switch (algorithm) {
            case SHA256 -> 64;
            case SHA512 -> 128;
            default -> throw new IllegalArgumentException(
                    "unsupported digest algorithm \"" + algorithm + "\" (supported: sha256, sha512)");
        };
        if (hex.length() != expectedLength || !LOWER_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid " + algorithm + " digest \"" + hex + "\": expected "
                    + expectedLength + " lowercase hex characters");
        }
    }

    /** Parses {@code algorithm:hex}; the message names what is wrong so a user can fix a typed reference. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Digest parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("digest must not be null");
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("invalid digest \"" + text + "\": expected algorithm:hex, e.g. sha256:<64 hex>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static Digest sha256(byte[] content) {
        return new Digest(SHA256, HexFormat.of().formatHex(newSha256().digest(content)));
    }

    /** The digest of a finished {@link MessageDigest}; the algorithm name is taken from it. */
    public static Digest of(MessageDigest finished) {
        String algorithm = switch (finished.getAlgorithm()) {
            case "SHA-256" -> SHA256;
            case "SHA-512" -> SHA512;
            default -> throw new IllegalArgumentException("unsupported message digest " + finished.getAlgorithm());
        };
        return new Digest(algorithm, HexFormat.of().formatHex(finished.digest()));
    }

    public static MessageDigest newSha256() {
        return newHasher(SHA256);
    }

    /** A fresh hasher for this digest's algorithm, to recompute and compare. */
    public MessageDigest newHasher() {
        return newHasher(algorithm);
    }

    private static MessageDigest newHasher(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals(SHA512) ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** The first 12 hex characters, as {@code docker images} shows IDs. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }
}
