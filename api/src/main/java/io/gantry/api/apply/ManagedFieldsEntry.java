package io.gantry.api.apply;

import java.util.Objects;

/**
 * One entry of {@code metadata.managedFields}: the fields a manager owns through one kind of operation.
 *
 * @param manager     the field manager's name
 * @param operation   Apply for server-side apply, Update for every other write
 * @param apiVersion  the version the fields are expressed in
 * @param time        when the entry last changed, RFC 3339; may be null
 * @param subresource "" for the main resource, or e.g. "status", "scale"
 * @param fields      the owned fields
 */
public record ManagedFieldsEntry(String manager, Operation operation, String apiVersion, String time,
                                 String subresource, FieldSet fields) {

    public enum Operation {
        APPLY("Apply"), UPDATE("Update");

        private final String text;

        Operation(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        public static Operation parse(String text) {
            for (Operation o : values()) {
                if (o.text.equals(text)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("operation must be Apply or Update: " + text);
        }
    }

    public ManagedFieldsEntry {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(fields, "fields");
        apiVersion = apiVersion == null ? "" : apiVersion;
        subresource = subresource == null ? "" : subresource;
    }

    /**
     * Whether both entries belong to the same writer. As in Kubernetes, a manager name used both to apply and to
     * update, or on two subresources, makes distinct entries; the API version is not part of the identity here
     * because each kind is served in one version.
     */
    public boolean sameWriter(ManagedFieldsEntry other) {
        return sameWriter(other.manager, other.operation, other.subresource);
    }

    public boolean sameWriter(String manager, Operation operation, String subresource) {
        return this.manager.equals(manager) && this.operation == operation
                && this.subresource.equals(subresource == null ? "" : subresource);
    }

    public ManagedFieldsEntry withFields(FieldSet newFields, String newTime) {
        return new ManagedFieldsEntry(manager, operation, apiVersion, newTime, subresource, newFields);
    }

    /** The manager as Kubernetes names it in conflicts: {@code "kubectl" with subresource "scale" using apps/v1}. */
    public String describe() {
        StringBuilder s = new StringBuilder(quote(manager));
        if (!subresource.isEmpty()) {
            s.append(" with subresource ").append(quote(subresource));
        }
        if (operation == Operation.UPDATE) {
            s.append(" using ").append(apiVersion);
        }
        return s.toString();
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
