package io.gantry.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.patch.PatchStrategies;
import io.gantry.api.schema.ObjectType;
import io.gantry.api.schema.SchemaNode;
import io.gantry.api.schema.TypeGraph;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Renders type graph nodes as OpenAPI 3.0 schema objects, in the shapes the Kubernetes API server uses. */
final class SchemaWriter {
    static final String REF_PREFIX = "#/components/schemas/";
    static final String LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
    static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

    /** A group/version/kind, as the x-kubernetes-group-version-kind extension spells it. */
    record Gvk(String group, String version, String kind) {
        ObjectNode toJson() {
            ObjectNode node = Json.object();
            node.put("group", group).put("kind", kind).put("version", version);
            return node;
        }
    }

    /** The fields every kind shares; their meaning is the same everywhere, so kubectl explain can show it. */
    private static final Map<String, String> STANDARD_FIELDS = Map.of(
            "apiVersion", "APIVersion defines the versioned schema of this representation of an object.",
            "kind", "Kind is a string value representing the REST resource this object represents.",
            "metadata", "Standard object's metadata.",
            "spec", "Specification of the desired behavior of the object.",
            "status", "Most recently observed status of the object. Read-only.");

    private final TypeGraph graph;

    SchemaWriter(TypeGraph graph) {
        this.graph = graph;
    }

    static ObjectNode ref(String schemaName) {
        return Json.object().put("$ref", REF_PREFIX + schemaName);
    }

    /** The schemas of the named types and everything they reference, the kinds tagged with their GVKs. */
    void addObjectTypes(ObjectNode schemas, Collection<String> roots, Map<String, List<Gvk>> gvks) {
        for (String name : graph.reachableFrom(roots)) {
            ObjectType type = graph.named(name).orElseThrow();
            ObjectNode schema = schemas.putObject(name);
            schema.put("description", type.simpleName());
            schema.put("type", "object");
            ObjectNode properties = schema.putObject("properties");
            type.properties().forEach((property, node) -> {
                ObjectNode out = node(node, schemas);
                String description = STANDARD_FIELDS.get(property);
                if (description != null) {
                    out.put("description", description);
                }
                // kubectl computes apply patches from these; without them it treats every list as atomic.
                PatchStrategies.of(type.modelClass(), property).ifPresent(strategy -> {
                    if (strategy.mergeKey() != null && !strategy.mergeKey().isEmpty()) {
                        out.put("x-kubernetes-patch-merge-key", strategy.mergeKey());
                    }
                    out.put("x-kubernetes-patch-strategy", strategy.patchStrategy());
                });
                properties.set(property, out);
            });
            List<Gvk> kinds = gvks.get(name);
            if (kinds != null) {
                kinds.forEach(k -> schema.withArray("x-kubernetes-group-version-kind").add(k.toJson()));
            }
        }
    }

    /** A synthetic {@code <Kind>List} schema; fabric8's list classes are not part of the type graph. */
    void addList(ObjectNode schemas, String itemSchema, Gvk listGvk) {
        String name = itemSchema + "List";
        ObjectNode schema = schemas.putObject(name);
        schema.put("description", listGvk.kind() + " is a list of " + itemSchema.substring(itemSchema.lastIndexOf('.') + 1));
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("items").put("type", "array").set("items", wrapped(itemSchema));
        properties.putObject("kind").put("type", "string");
        properties.set("metadata", wrapped(LIST_META));
        schema.putArray("required").add("items");
        schema.withArray("x-kubernetes-group-version-kind").add(listGvk.toJson());
    }

    static void addPatch(ObjectNode schemas) {
        schemas.putObject(PATCH)
                .put("description", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.")
                .put("type", "object");
    }

    private ObjectNode node(SchemaNode node, ObjectNode schemas) {
        return switch (node) {
            case SchemaNode.Ref ref -> wrapped(ref.name());
            case SchemaNode.ArrayOf array -> {
                ObjectNode out = Json.object().put("type", "array");
                out.set("items", node(array.items(), schemas));
                yield out;
            }
            case SchemaNode.MapOf map -> {
                ObjectNode out = Json.object().put("type", "object");
                out.set("additionalProperties", node(map.values(), schemas));
                yield out;
            }
            case SchemaNode.Scalar scalar -> {
                ObjectNode out = Json.object().put("type", scalar.type());
                if (scalar.format() != null) {
                    out.put("format", scalar.format());
                }
                yield out;
            }
            case SchemaNode.IntOrString intOrString -> {
                addIntOrString(schemas, intOrString.name());
                yield wrapped(intOrString.name());
            }
            case SchemaNode.FreeForm ignored ->
                    Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
        };
    }

    /** References are wrapped in allOf, as Kubernetes does, so that siblings such as description stay legal. */
    private static ObjectNode wrapped(String schemaName) {
        ObjectNode out = Json.object();
        out.putArray("allOf").add(ref(schemaName));
        return out;
    }

    private static void addIntOrString(ObjectNode schemas, String name) {
        if (schemas.has(name)) {
            return;
        }
        boolean quantity = name.equals(TypeGraph.QUANTITY);
        ObjectNode schema = schemas.putObject(name);
        schema.put("description", quantity
                ? "Quantity is a fixed-point representation of a number, e.g. 100m, 1Gi or 2."
                : "IntOrString is a type that can hold an int32 or a string.");
        schema.putArray("oneOf").add(Json.object().put("type", quantity ? "number" : "integer"))
                .add(Json.object().put("type", "string"));
        schema.put("x-kubernetes-int-or-string", true);
    }
}
