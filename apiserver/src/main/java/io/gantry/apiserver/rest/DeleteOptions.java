package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.ApiException;

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

    public DeleteOptions withDryRun() {
        return new DeleteOptions(gracePeriodSeconds, propagation, preconditionUid, preconditionVersion, true);
    }

    /** With the resourceVersion precondition set to {@code version}. */
    public DeleteOptions withPreconditionVersion(String version) {
        return new DeleteOptions(gracePeriodSeconds, propagation, preconditionUid, version, dryRun);
    }

    /** A metav1.DeleteOptions body, as a DELETE request or an Eviction's deleteOptions carry it. */
    public static DeleteOptions fromJson(JsonNode opts) {
        Long grace = opts.hasNonNull("gracePeriodSeconds") ? opts.get("gracePeriodSeconds").asLong() : null;
        Propagation propagation = null;
        if (opts.hasNonNull("propagationPolicy")) {
            propagation = propagation(opts.get("propagationPolicy").asText());
        } else if (opts.hasNonNull("orphanDependents")) {
            propagation = opts.get("orphanDependents").asBoolean() ? Propagation.ORPHAN : Propagation.BACKGROUND;
        }
        JsonNode preconditions = opts.path("preconditions");
        String uid = preconditions.hasNonNull("uid") ? preconditions.get("uid").asText() : null;
        String version = preconditions.hasNonNull("resourceVersion") ? preconditions.get("resourceVersion").asText()
                : null;
        return new DeleteOptions(grace, propagation, uid, version, opts.path("dryRun").size() > 0);
    }

    public static Propagation propagation(String value) {
        return switch (value) {
            case "Background" -> Propagation.BACKGROUND;
            case "Foreground" -> Propagation.FOREGROUND;
            case "Orphan" -> Propagation.ORPHAN;
            default -> throw ApiException.badRequest("propagationPolicy: Unsupported value: \"" + value
                    + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        };
    }
}
