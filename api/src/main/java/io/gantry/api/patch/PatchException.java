package io.gantry.api.patch;

/**
 * A patch that cannot be applied. The message is meant for the client; {@link #code()} is the HTTP status the
 * Kubernetes API server answers with for the same failure: 400 when the patch document itself is malformed,
 * 422 when a well-formed patch does not fit the object (a failed JSON patch {@code test}, a missing path).
 */
public final class PatchException extends RuntimeException {
    private final int code;

    public PatchException(String message) {
        this(400, message);
    }

    private PatchException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** The patch document is malformed. */
    public static PatchException badRequest(String message) {
        return new PatchException(400, message);
    }

    /** The patch is well formed but cannot be applied to this object. */
    public static PatchException unprocessable(String message) {
        return new PatchException(422, message);
    }

    public int code() {
        return code;
    }
}
