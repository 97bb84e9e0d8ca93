package io.gantry.images.testing;

/** One request as the registry's access log recorded it. */
public record AccessLogEntry(String method, String path, int status) {
}
