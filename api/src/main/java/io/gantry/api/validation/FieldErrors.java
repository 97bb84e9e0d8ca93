package io.gantry.api.validation;

import io.gantry.api.StatusCause;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Collects field errors with the reasons and messages of Kubernetes' field.Error: each cause's message is
 * the error body (e.g. {@code Invalid value: "Foo": <detail>}) and its field the rendered path.
 */
public final class FieldErrors {
    public static final String NOT_FOUND = "FieldValueNotFound";
    public static final String REQUIRED = "FieldValueRequired";
    public static final String DUPLICATE = "FieldValueDuplicate";
    public static final String INVALID = "FieldValueInvalid";
    public static final String NOT_SUPPORTED = "FieldValueNotSupported";
    public static final String FORBIDDEN = "FieldValueForbidden";
    public static final String TOO_LONG = "FieldValueTooLong";
    public static final String TOO_MANY = "FieldValueTooMany";

    private final List<StatusCause> causes = new ArrayList<>();

    public List<StatusCause> causes() {
        return List.copyOf(causes);
    }

    public boolean isEmpty() {
        return causes.isEmpty();
    }

    public int size() {
        return causes.size();
    }

    public FieldErrors addAll(Collection<StatusCause> more) {
        causes.addAll(more);
        return this;
    }

    public FieldErrors required(Path path, String detail) {
        return add(REQUIRED, path, withDetail("Required value", detail));
    }

    public FieldErrors forbidden(Path path, String detail) {
        return add(FORBIDDEN, path, withDetail("Forbidden", detail));
    }

    public FieldErrors tooLong(Path path, int maxBytes) {
        return add(TOO_LONG, path, "Too long: must have at most " + maxBytes + " bytes");
    }

    public FieldErrors invalid(Path path, Object value, String detail) {
        return add(INVALID, path, withDetail("Invalid value: " + GoValue.render(value), detail));
    }

    public FieldErrors invalid(Path path, Object value, List<String> details) {
        for (String d : details) {
            invalid(path, value, d);
        }
        return this;
    }

    public FieldErrors duplicate(Path path, Object value) {
        return add(DUPLICATE, path, "Duplicate value: " + GoValue.render(value));
    }

    public FieldErrors notFound(Path path, Object value) {
        return add(NOT_FOUND, path, "Not found: " + GoValue.render(value));
    }

    public FieldErrors notSupported(Path path, Object value, List<String> supported) {
        String detail = supported.isEmpty() ? ""
                : "supported values: " + String.join(", ", supported.stream().map(GoValue::quote).toList());
        return add(NOT_SUPPORTED, path, withDetail("Unsupported value: " + GoValue.render(value), detail));
    }

    /** Kubernetes' ValidateImmutableField: same message whatever the field. */
    public FieldErrors immutable(Path path, Object newValue) {
        return invalid(path, newValue, "field is immutable");
    }

    public FieldErrors nonNegative(Path path, long value) {
        if (value < 0) {
            invalid(path, value, "must be greater than or equal to 0");
        }
        return this;
    }

    private static String withDetail(String head, String detail) {
        return detail == null || detail.isEmpty() ? head : head + ": " + detail;
    }

    private FieldErrors add(String reason, Path path, String message) {
        causes.add(new StatusCause(reason, message, path.toString()));
        return this;
    }
}
