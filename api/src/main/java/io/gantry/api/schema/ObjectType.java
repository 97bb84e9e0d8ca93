package io.gantry.api.schema;

import java.util.Map;

/**
 * A model class seen as a JSON object schema.
 *
 * @param name       Kubernetes schema name, e.g. io.k8s.api.apps.v1.Deployment
 * @param modelClass the fabric8 class it was derived from
 * @param properties JSON property names to their shapes, in serialization order
 */
public record ObjectType(String name, Class<?> modelClass, Map<String, SchemaNode> properties) {
    public ObjectType {
        properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
    }

    /** The simple name, which Kubernetes uses as the kind for top-level types. */
    public String simpleName() {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
