package io.gantry.api;

/** One reason a request failed, as in {@code Status.details.causes}. */
public record StatusCause(String reason, String message, String field) {
    public static StatusCause field(String field, String reason, String message) {
        return new StatusCause(reason, message, field);
    }
}
