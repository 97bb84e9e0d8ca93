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

    private record Unknown(String path, ObjectNode parent, String field) {
    }

    private List<Unknown> unknown(JsonNode object, Class<?> modelClass) {
        ObjectType type = graph.type(modelClass).orElseThrow(
                () -> new IllegalArgumentException("Not in the type graph: " + modelClass.getName()));
        List<Unknown> found = new ArrayList<>();
        if (object != null && object.isObject()) {
            checkObject(object, type, "", true, found);
        }
        return found;
    }

    private void checkObject(JsonNode object, ObjectType type, String path, boolean topLevel, List<Unknown> found) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            SchemaNode node = type.properties().get(field.getKey());
            if (node != null) {
                check(field.getValue(), node, fieldPath, found);
            } else if (!(topLevel && TOP_LEVEL.contains(field.getKey()))) {
                found.add(new Unknown(fieldPath, (ObjectNode) object, field.getKey()));
            }
        }
    }

    private void check(JsonNode value, SchemaNode node, String path, List<Unknown> found) {
        switch (node) {
            case SchemaNode.Ref ref -> {
                if (value.isObject()) {
                    checkObject(value, graph.named(ref.name()).orElseThrow(), path, false, found);
                }
            }
            case SchemaNode.ArrayOf array -> {
                if (value.isArray()) {
                    for (int i = 0; i < value.size(); i++) {
                        check(value.get(i), array.items(), path + "[" + i + "]", found);
                    }
                }
            }
            case SchemaNode.MapOf map -> {
                if (value.isObject()) {
                    value.fields().forEachRemaining(e -> check(e.getValue(), map.values(), path + "." + e.getKey(), found));
                }
            }
            case SchemaNode.Scalar ignored -> { }
            case SchemaNode.IntOrString ignored -> { }
            case SchemaNode.FreeForm ignored -> { }
        }
    }
}
