package io.gantry.apiserver.rest;

import java.util.List;

/**
 * Options shared by create, update and patch.
 *
 * @param dryRun          validate and default but do not persist
 * @param fieldManager    the writer's name (required for server-side apply)
 * @param fieldValidation Strict, Warn or Ignore for unknown or duplicate fields
 * @param force           server-side apply: take ownership of conflicting fields
 * @param warnings        collects warnings for the response's Warning headers
 */
public record WriteOptions(boolean dryRun, String fieldManager, FieldValidation fieldValidation, boolean force,
                           List<String> warnings) {

    public enum FieldValidation { STRICT, WARN, IGNORE }

    public static WriteOptions defaults() {
        return new WriteOptions(false, null, FieldValidation.WARN, false, new java.util.ArrayList<>());
    }

    public static FieldValidation parseFieldValidation(String value) {
        if (value == null || value.isEmpty()) {
            return FieldValidation.WARN;
        }
        return switch (value) {
            case "Strict" -> FieldValidation.STRICT;
            case "Warn" -> FieldValidation.WARN;
            case "Ignore" -> FieldValidation.IGNORE;
            default -> throw io.gantry.api.ApiException.badRequest(
                    "fieldValidation parameter unsupported: " + value + ". Supported values: Strict, Warn, Ignore");
        };
    }
}
