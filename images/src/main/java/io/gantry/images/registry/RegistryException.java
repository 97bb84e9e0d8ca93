package io.gantry.images.registry;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A registry (or its token server) refused a request. Carries the HTTP status and the registry's own error
 * codes and messages, so a failed pull can be reported the way Kubernetes reports ErrImagePull, e.g.
 * {@code 127.0.0.1:5000/missing:v1: not found: MANIFEST_UNKNOWN: manifest unknown}.
 */
public class RegistryException extends IOException {
    public static final String MANIFEST_UNKNOWN = "MANIFEST_UNKNOWN";
    public static final String BLOB_UNKNOWN = "BLOB_UNKNOWN";
    public static final String NAME_UNKNOWN = "NAME_UNKNOWN";
    public static final String UNAUTHORIZED = "UNAUTHORIZED";
    public static final String DENIED = "DENIED";

    private final int status;
    private final List<RegistryError> errors;

    public RegistryException(String subject, int status, List<RegistryError> errors) {
        super(subject + ": " + describe(status, errors));
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    /** For failures the registry did not describe itself (e.g. a token server answering garbage). */
    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
        this.errors = List.of();
    }

    /** The HTTP status, e.g. 404; 0 when no HTTP exchange decided the failure. */
    public int status() {
        return status;
    }

    public List<RegistryError> errors() {
        return errors;
    }

    /** The first error code the registry sent ({@code MANIFEST_UNKNOWN}...), or empty. */
    public String code() {
        return errors.isEmpty() ? "" : errors.get(0).code();
    }

    public boolean isNotFound() {
        return status == 404 || code().equals(MANIFEST_UNKNOWN) || code().equals(NAME_UNKNOWN) || code().equals(BLOB_UNKNOWN);
    }

    /** Authentication is missing or was refused (Kubernetes reports these like a missing image, for privacy). */
    public boolean isUnauthorized() {
        return status == 401 || status == 403;
    }

    private static String describe(int status, List<RegistryError> errors) {
        String summary = switch (status) {
            case 401 -> "unauthorized: authentication required or credentials refused";
            case 403 -> "denied: the credentials do not allow this";
            case 404 -> "not found";
            case 429 -> "too many requests";
            default -> status >= 500 ? "registry error" : "request failed";
        };
        String reasons = errors.stream().map(RegistryError::toString).collect(Collectors.joining("; "));
        return summary + (reasons.isEmpty() ? "" : ": " + reasons) + " (HTTP " + status + ")";
    }
}
