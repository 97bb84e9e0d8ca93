package io.gantry.api.selector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * Reads field-selector values out of stored JSON objects by dotted path ({@code metadata.name},
 * {@code spec.nodeName}, {@code involvedObject.kind}, ...). Kubernetes reads them from typed structs, so absent
 * strings read as "" and absent booleans as "false"; scalars are rendered as text.
 */
public final class FieldValues {
    /** Boolean fields Kubernetes supports in field selectors; a typed struct reads them as false when absent. */
    private static final Set<String> BOOLEAN_FIELDS = Set.of("spec.unschedulable", "spec.hostNetwork");

    private FieldValues() {
    }

    public static String get(ObjectNode object, String fieldPath) {
        if (object == null || fieldPath == null || fieldPath.isEmpty()) {
            return "";
        }
        // core/v1 Event's "source" selector means source.component
        if (fieldPath.equals("source") && object.path("source").isObject()) {
            return text(object.path("source").path("component"), fieldPath);
        }
        JsonNode node = object;
        for (String segment : fieldPath.split("\\.")) {
            node = node.path(segment);
        }
        return text(node, fieldPath);
    }

    private static String text(JsonNode node, String fieldPath) {
        if (node.isMissingNode() || node.isNull()) {
            return BOOLEAN_FIELDS.contains(fieldPath) ? "false" : "";
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? "true" : "false";
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        return "";
    }
}
