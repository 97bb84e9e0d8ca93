package io.gantry.images.oci;

/** Content did not hash (or measure) to what its descriptor promised: corrupted in transit, at rest, or forged. */
public class DigestMismatchException extends ImageFormatException {
    private final Digest expected;
    private final Digest actual;

    public DigestMismatchException(String what, Digest expected, Digest actual) {
        super(what + ": digest mismatch: expected " + expected + " but the content hashes to " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public DigestMismatchException(String what, Digest expected, long expectedSize, long actualSize) {
        super(what + " " + expected + ": size mismatch: expected " + expectedSize + " bytes but got "
                + (actualSize > expectedSize ? "more" : String.valueOf(actualSize)));
        this.expected = expected;
        this.actual = null;
    }

    public Digest expected() {
        return expected;
    }

    /** The digest the content actually has, or null when it was refused for its size before hashing finished. */
    public Digest actual() {
        return actual;
    }
}
