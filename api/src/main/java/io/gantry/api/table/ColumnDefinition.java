package io.gantry.api.table;

/**
 * One column of a {@code meta.k8s.io/v1} Table. {@code type} is an OpenAPI type ("string", "integer", "boolean",
 * "date"); {@code format} is "name" for the column holding the object name; priority 0 columns always show,
 * higher priorities only with {@code -o wide}.
 */
public record ColumnDefinition(String name, String type, String format, String description, int priority) {

    static ColumnDefinition string(String name, String description) {
        return new ColumnDefinition(name, "string", "", description, 0);
    }

    static ColumnDefinition integer(String name, String description) {
        return new ColumnDefinition(name, "integer", "", description, 0);
    }

    static ColumnDefinition bool(String name, String description) {
        return new ColumnDefinition(name, "boolean", "", description, 0);
    }

    static ColumnDefinition nameColumn() {
        return new ColumnDefinition("Name", "string", "name",
                "Name must be unique within a namespace. Cannot be updated.", 0);
    }

    static ColumnDefinition ageColumn() {
        return string("Age", "CreationTimestamp is a timestamp representing the server time when this object was "
                + "created.");
    }

    /** The same column shown only with {@code -o wide}. */
    ColumnDefinition wide() {
        return new ColumnDefinition(name, type, format, description, 1);
    }
}
