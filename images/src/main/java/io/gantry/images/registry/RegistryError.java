package io.gantry.images.registry;

/** One entry of the distribution spec's error body, {@code {"errors":[{"code":..,"message":..,"detail":..}]}}. */
public record RegistryError(String code, String message, String detail) {
    public RegistryError {
        code = code == null ? "" : code;
        message = message == null ? "" : message;
        detail = detail == null ? "" : detail;
    }

    @Override
    public String toString() {
        return message.isEmpty() ? code : code.isEmpty() ? message : code + ": " + message;
    }
}
