package io.gantry.api.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the fields of a JSON object that its model does not know, for {@code fieldValidation=Strict|Warn}.
 * Paths and messages use the Kubernetes API server's wording. Free-form subtrees are never checked, and
 * values of the wrong JSON type are left to decoding.
 */
public final class UnknownFields {
    /** Every top-level object may carry these, whatever its model says. */
    private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata");

    private final TypeGraph graph;

    public UnknownFields(TypeGraph graph) {
        this.graph = graph;
    }

    /**
     * @return one message per unknown field, e.g. {@code unknown field "spec.replicass"}, in document order
     * @throws IllegalArgumentException if the model class is not part of the type graph
     */
    public List<String> find(JsonNode object, Class<?> modelClass) {
        return paths(object, modelClass).stream().map(path -> "unknown field \"" + path + "\"").toList();
    }

    /** @return the paths of unknown fields, e.g. {@code spec.template.spec.containers[0].bogus} */
    public List<String> paths(JsonNode object, Class<?> modelClass) {
        return unknown(object, modelClass).stream().map(Unknown::path).toList();
    }

    /**
     * Removes the unknown fields, as decoding into Kubernetes' typed structs drops them, so they are never
     * stored or served back.
     */
    public void prune(JsonNode object, Class<?> modelClass) {
        for (Unknown u : unknown(object, modelClass)) {
            u.parent().remove(u.field());
        }
    }

    private record Unknown(Path at, ObjectNode parent, String field) {
        String path() {
            return at == null ? field : at.render() + "." + field;
        }
    }

    /**
     * Where a value lies, rendered only for an unknown field: building every field's path as a string (most
     * requests have none unknown) was most of this check's work and allocation.
     *
     * @param field the field name below {@code parent}, or null for the array item at {@code index}
     */
    private record Path(Path parent, String field, int index) {
        String render() {
            StringBuilder out = new StringBuilder();
            append(out);
            return out.toString();
        }

        private void append(StringBuilder out) {
            if (parent != null) {
                parent.append(out);
            }
            if (field == null) {
                out.append('[').append(index).append(']');
            } else {
                if (parent != null) {
                    out.append('.');
                }
                out.append(field);
            }
        }
    }

    private List<Unknown> unknown(JsonNode object, Class<?> modelClass) {
        ObjectType type = graph.type(modelClass).orElseThrow(
                () -> new IllegalArgumentException("Not in the type graph: " + modelClass.getName()));
        List<Unknown> found = new ArrayList<>();
        if (object != null && object.isObject()) {
            checkObject(object, type, null, true, found);
        }
        return found;
    }

    private void checkObject(JsonNode object, ObjectType type, Path path, boolean topLevel, List<Unknown> found) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            SchemaNode node = type.properties().get(field.getKey());
            if (node != null) {
                check(field.getValue(), node, path, field.getKey(), 0, found);
            } else if (!(topLevel && TOP_LEVEL.contains(field.getKey()))) {
                found.add(new Unknown(path, (ObjectNode) object, field.getKey()));
            }
        }
    }

    /**
     * Checks the value at {@code field} of the object at {@code parent}, or (with a null field) at {@code index} of
     * the array at {@code parent}; its own path is made only when there is something below it to check.
     */
    private void check(JsonNode value, SchemaNode node, Path parent, String field, int index, List<Unknown> found) {
        switch (node) {
            case SchemaNode.Ref ref -> {
                if (value.isObject()) {
                    checkObject(value, graph.named(ref.name()).orElseThrow(), new Path(parent, field, index), false,
                            found);
                }
            }
            case SchemaNode.ArrayOf array -> {
                if (value.isArray() && !value.isEmpty()) {
                    Path list = new Path(parent, field, index);
                    for (int i = 0; i < value.size(); i++) {
                        check(value.get(i), array.items(), list, null, i, found);
                    }
                }
            }
            case SchemaNode.MapOf map -> {
                if (value.isObject() && !value.isEmpty()) {
                    Path object = new Path(parent, field, index);
                    for (Map.Entry<String, JsonNode> e : value.properties()) {
                        check(e.getValue(), map.values(), object, e.getKey(), 0, found);
                    }
                }
            }
            case SchemaNode.Scalar ignored -> { }
            case SchemaNode.IntOrString ignored -> { }
            case SchemaNode.FreeForm ignored -> { }
        }
    }
}
