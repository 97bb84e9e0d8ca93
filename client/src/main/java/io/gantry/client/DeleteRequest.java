package io.gantry.client;

/**
 * Options of a delete.
 *
 * @param gracePeriodSeconds null for the object's default
 * @param propagationPolicy  "Background", "Foreground", "Orphan" or null for the default
 * @param preconditionUid    delete only the object with this uid, or null
 */
public record DeleteRequest(Long gracePeriodSeconds, String propagationPolicy, String preconditionUid) {
    public static final DeleteRequest DEFAULT = new DeleteRequest(null, null, null);

    public static DeleteRequest now() {
        return new DeleteRequest(0L, null, null);
    }

    public DeleteRequest withPropagation(String policy) {
        return new DeleteRequest(gracePeriodSeconds, policy, preconditionUid);
    }

    public DeleteRequest withUid(String uid) {
        return new DeleteRequest(gracePeriodSeconds, propagationPolicy, uid);
    }
}
