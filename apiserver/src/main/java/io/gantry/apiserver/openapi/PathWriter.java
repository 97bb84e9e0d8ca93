package io.gantry.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.schema.Subresource;

import java.util.List;
import java.util.Locale;

/**
 * Writes the OpenAPI path items of one resource type. Operations carry x-kubernetes-action and
 * x-kubernetes-group-version-kind; writes declare the {@code fieldValidation} query parameter, which is what
 * makes kubectl leave validation to the server instead of validating against the schema itself.
 */
final class PathWriter {
    static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml", "application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json");
    private static final String STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";

    private final ObjectNode paths;

    PathWriter(ObjectNode paths) {
        this.paths = paths;
    }

    /**
     * @param type      the resource
     * @param schema    the schema name of its kind
     * @param subs      its subresources, each with the schema name of the kind it exchanges
     */
    void write(ResourceType type, String schema, List<ResolvedSubresource> subs) {
        String prefix = type.group().isEmpty() ? "/api/" + type.version()
                : "/apis/" + type.group() + "/" + type.version();
        SchemaWriter.Gvk gvk = new SchemaWriter.Gvk(type.group(), type.version(), type.kind());
        SchemaWriter.Gvk listGvk = new SchemaWriter.Gvk(type.group(), type.version(), type.listKind());
        String base = operationBase(type);
        String scope = type.namespaced() ? "Namespaced" : "";
        String collection = prefix + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural();
        String item = collection + "/{name}";

        ObjectNode c = pathItem(collection, type.namespaced(), false);
        c.set("get", operation("list" + base + scope + type.kind(), "list", listGvk,
                "list or watch objects of kind " + type.kind(), schema + "List", listParameters()));
        c.set("post", withBody(operation("create" + base + scope + type.kind(), "post", gvk,
                "create a " + type.kind(), schema, writeParameters(false)), schema));
        c.set("delete", operation("deletecollection" + base + scope + type.kind(), "deletecollection", gvk,
                "delete collection of " + type.kind(), STATUS, listParameters()));

        ObjectNode i = pathItem(item, type.namespaced(), true);
        i.set("get", operation("read" + base + scope + type.kind(), "get", gvk,
                "read the specified " + type.kind(), schema, List.of()));
        i.set("put", withBody(operation("replace" + base + scope + type.kind(), "put", gvk,
                "replace the specified " + type.kind(), schema, writeParameters(false)), schema));
        i.set("patch", withPatchBody(operation("patch" + base + scope + type.kind(), "patch", gvk,
                "partially update the specified " + type.kind(), schema, writeParameters(true))));
        i.set("delete", operation("delete" + base + scope + type.kind(), "delete", gvk,
                "delete a " + type.kind(), STATUS, List.of(query("dryRun", "string"),
                        query("gracePeriodSeconds", "integer"), query("propagationPolicy", "string"))));

        if (type.namespaced()) {
            ObjectNode all = pathItem(prefix + "/" + type.plural(), false, false);
            all.set("get", operation("list" + base + type.kind() + "ForAllNamespaces", "list", listGvk,
                    "list or watch objects of kind " + type.kind(), schema + "List", listParameters()));
        }

        for (ResolvedSubresource resolved : subs) {
            Subresource sub = resolved.subresource();
            SchemaWriter.Gvk subGvk = new SchemaWriter.Gvk(sub.group(), sub.version(), sub.kind());
            String subSchema = resolved.schema();
            String id = base + scope + type.kind() + capitalize(sub.name());
            ObjectNode s = pathItem(item + "/" + sub.name(), type.namespaced(), true);
            for (String verb : sub.verbs()) {
                switch (verb) {
                    case "get" -> s.set("get", operation("read" + id, "get", subGvk,
                            "read " + sub.name() + " of the specified " + type.kind(), subSchema, List.of()));
                    case "update" -> s.set("put", withBody(operation("replace" + id, "put", subGvk,
                            "replace " + sub.name() + " of the specified " + type.kind(), subSchema,
                            writeParameters(false)), subSchema));
                    case "patch" -> s.set("patch", withPatchBody(operation("patch" + id, "patch", subGvk,
                            "partially update " + sub.name() + " of the specified " + type.kind(), subSchema,
                            writeParameters(true))));
                    case "create" -> s.set("post", withBody(operation("create" + id, "post", subGvk,
                            "create " + sub.name() + " of a " + type.kind(), subSchema, writeParameters(false)),
                            subSchema));
                    default -> { }
                }
            }
        }
    }

    /** A subresource with the schema name of the kind it exchanges. */
    record ResolvedSubresource(Subresource subresource, String schema) {
    }

    private ObjectNode pathItem(String path, boolean namespaced, boolean named) {
        ObjectNode item = paths.putObject(path);
        ArrayNode parameters = item.putArray("parameters");
        if (named) {
            parameters.add(pathParameter("name", "name of the object"));
        }
        if (namespaced) {
            parameters.add(pathParameter("namespace", "object name and auth scope, such as for teams and projects"));
        }
        parameters.add(query("pretty", "string"));
        return item;
    }

    private static ObjectNode operation(String operationId, String action, SchemaWriter.Gvk gvk, String description,
                                        String responseSchema, List<ObjectNode> parameters) {
        ObjectNode op = Json.object();
        op.put("description", description);
        op.put("operationId", operationId);
        ArrayNode params = op.putArray("parameters");
        parameters.forEach(params::add);
        ObjectNode responses = op.putObject("responses");
        responses.set("200", response("OK", responseSchema));
        if (action.equals("post") || action.equals("put")) {
            responses.set("201", response("Created", responseSchema));
        }
        if (action.equals("post") || action.equals("delete") || action.equals("deletecollection")) {
            responses.set("202", response("Accepted", responseSchema));
        }
        responses.putObject("401").put("description", "Unauthorized");
        op.put("x-kubernetes-action", action);
        op.set("x-kubernetes-group-version-kind", gvk.toJson());
        return op;
    }

    private static ObjectNode response(String description, String schema) {
        ObjectNode response = Json.object().put("description", description);
        ObjectNode content = response.putObject("content");
        for (String mediaType : List.of("application/json", "application/yaml")) {
            content.putObject(mediaType).set("schema", SchemaWriter.ref(schema));
        }
        return response;
    }

    private static ObjectNode withBody(ObjectNode op, String schema) {
        ObjectNode body = Json.object().put("required", true);
        body.putObject("content").putObject("*/*").set("schema", SchemaWriter.ref(schema));
        op.set("requestBody", body);
        return op;
    }

    private static ObjectNode withPatchBody(ObjectNode op) {
        ObjectNode body = Json.object().put("required", true);
        ObjectNode content = body.putObject("content");
        PATCH_TYPES.forEach(t -> content.putObject(t).set("schema", SchemaWriter.ref(SchemaWriter.PATCH)));
        op.set("requestBody", body);
        return op;
    }

    private static List<ObjectNode> writeParameters(boolean patch) {
        List<ObjectNode> params = new java.util.ArrayList<>(List.of(
                query("dryRun", "string"), query("fieldManager", "string"),
                query("fieldValidation", "string").put("description",
                        "fieldValidation instructs the server on how to handle objects in the request containing "
                                + "unknown or duplicate fields: Ignore, Warn or Strict.")));
        if (patch) {
            params.add(query("force", "boolean"));
        }
        return params;
    }

    private static List<ObjectNode> listParameters() {
        return List.of(query("allowWatchBookmarks", "boolean"), query("continue", "string"),
                query("fieldSelector", "string"), query("labelSelector", "string"), query("limit", "integer"),
                query("resourceVersion", "string"), query("resourceVersionMatch", "string"),
                query("sendInitialEvents", "boolean"), query("timeoutSeconds", "integer"), query("watch", "boolean"));
    }

    private static ObjectNode query(String name, String type) {
        ObjectNode p = Json.object().put("name", name).put("in", "query").put("uniqueItems", true);
        p.putObject("schema").put("type", type).put("uniqueItems", true);
        return p;
    }

    private static ObjectNode pathParameter(String name, String description) {
        ObjectNode p = Json.object().put("name", name).put("in", "path").put("description", description)
                .put("required", true);
        p.putObject("schema").put("type", "string").put("uniqueItems", true);
        return p;
    }

    /** "AppsV1", "CoreV1", "NetworkingV1": the group/version part of Kubernetes operation ids. */
    private static String operationBase(ResourceType type) {
        String group = type.group().isEmpty() ? "core" : type.group().split("\\.")[0];
        return capitalize(group) + capitalize(type.version());
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
