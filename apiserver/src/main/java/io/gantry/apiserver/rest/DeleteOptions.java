package io.gantry.apiserver.rest;

/**
 * How to delete.
 *
 * @param gracePeriodSeconds    null for the object's default
 * @param propagation           Background, Foreground, Orphan, or null for the kind's default
 * @param preconditionUid       delete only if the uid matches
 * @param preconditionVersion   delete only if the resourceVersion matches
 */
public record DeleteOptions(Long gracePeriodSeconds, Propagation propagation, String preconditionUid,
                            String preconditionVersion, boolean dryRun) {

    public enum Propagation { BACKGROUND, FOREGROUND, ORPHAN }

    public static DeleteOptions defaults() {
        return new DeleteOptions(null, null, null, null, false);
    }

    public DeleteOptions withPropagation(Propagation p) {
        return new DeleteOptions(gracePeriodSeconds, p, preconditionUid, preconditionVersion, dryRun);
    }

    public DeleteOptions withGracePeriod(long seconds) {
        return new DeleteOptions(seconds, propagation, preconditionUid, preconditionVersion, dryRun);
    }
}
