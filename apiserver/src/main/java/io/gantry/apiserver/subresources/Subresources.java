package io.gantry.apiserver.subresources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.http.HttpExchange;
import io.gantry.apiserver.http.Negotiation;
import io.gantry.apiserver.http.RequestInfo;
import io.gantry.apiserver.http.ResourceHandler;
import io.gantry.apiserver.nodes.NodeConnections;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.rest.PatchType;
import io.gantry.apiserver.rest.WriteOptions;
import io.gantry.apiserver.storage.Meta;
import org.eclipse.jetty.http.HttpHeader;

import java.io.IOException;

/** The subresources: status, scale, pods/binding, pods/eviction, pods/log, pods/exec and namespaces/finalize. */
public final class Subresources {
    private final ObjectService service;
    private final PodLogs logs;
    private final PodExec exec;
    private final PodEviction evictions;

    public Subresources(ObjectService service, NodeConnections nodes) {
        this.service = service;
        this.logs = new PodLogs(service, nodes);
        this.exec = new PodExec(service, nodes);
        this.evictions = new PodEviction(service);
    }

    public void handle(HttpExchange ex, RequestInfo info, ResourceHandler resources) throws IOException {
        ResourceType type = info.type();
        Negotiation negotiation = Negotiation.of(ex.header(HttpHeader.ACCEPT), null);
        switch (info.subresource()) {
            case "status" -> status(ex, info, resources, negotiation);
            case "scale" -> scale(ex, info);
            case "binding" -> {
                requireMethod(ex, "POST");
                ex.sendJson(201, bind(type, info.namespace(), info.name(), ResourceHandler.bodyObject(ex)));
            }
            case "eviction" -> {
                requireMethod(ex, "POST");
                ex.sendJson(201, evictions.evict(type, info.namespace(), info.name(), ResourceHandler.bodyObject(ex),
                        !ex.queryValues("dryRun").isEmpty()));
            }
            case "log" -> logs.serve(ex, type, info.namespace(), info.name());
            case "exec" -> exec.serve(ex, type, info.namespace(), info.name());
            case "attach" -> exec.serveAttach(ex, type, info.namespace(), info.name());
            case "finalize" -> {
                requireMethod(ex, "PUT");
                ObjectNode body = ResourceHandler.bodyObject(ex);
                ObjectNode result = service.storage().guaranteedUpdate(type, "", info.name(), ns -> {
                    ns.set("spec", body.path("spec").isObject() ? body.get("spec") : Json.object());
                    return ns;
                });
                resources.sendObject(ex, 200, type, finishIfFinalized(type, result), negotiation, null);
            }
            default -> throw ApiException.notFound("the server could not find the requested resource");
        }
    }

    private ObjectNode finishIfFinalized(ResourceType type, ObjectNode namespace) {
        if (Meta.deleting(namespace) && namespace.path("spec").path("finalizers").isEmpty()
                && !Meta.hasFinalizers(namespace)) {
            service.storage().delete(type, "", Meta.name(namespace), 0);
        }
        return namespace;
    }

    private void status(HttpExchange ex, RequestInfo info, ResourceHandler resources, Negotiation negotiation)
            throws IOException {
        ResourceType type = info.type();
        switch (ex.method()) {
            case "GET" -> resources.sendObject(ex, 200, type, service.get(type, info.namespace(), info.name()),
                    negotiation, null);
            case "PUT" -> {
                WriteOptions options = ResourceHandler.writeOptions(ex);
                resources.sendWritten(ex, 200, type, service.updateWritten(type, info.namespace(), info.name(),
                        ResourceHandler.bodyObject(ex), "status", options), negotiation, options);
            }
            case "PATCH" -> {
                WriteOptions options = ResourceHandler.writeOptions(ex);
                PatchType patchType = PatchType.fromContentType(ex.header(HttpHeader.CONTENT_TYPE));
                resources.sendWritten(ex, 200, type, service.patchWritten(type, info.namespace(), info.name(),
                        patchType, ResourceHandler.patchBody(ex, patchType), "status", options), negotiation, options);
            }
            default -> throw ApiException.methodNotAllowed("status supports get, update and patch");
        }
    }

    // ---- scale ----

    private void scale(HttpExchange ex, RequestInfo info) throws IOException {
        ResourceType type = info.type();
        switch (ex.method()) {
            case "GET" -> ex.sendJson(200, Scale.of(service.get(type, info.namespace(), info.name())));
            case "PUT", "PATCH" -> {
                ObjectNode body;
                if (ex.method().equals("PUT")) {
                    body = ResourceHandler.bodyObject(ex);
                } else {
                    PatchType patchType = PatchType.fromContentType(ex.header(HttpHeader.CONTENT_TYPE));
                    JsonNode patch = ResourceHandler.patchBody(ex, patchType);
                    ObjectNode current = Scale.of(service.get(type, info.namespace(), info.name()));
                    body = Scale.patch(current, patchType, patch);
                }
                JsonNode replicas = body.path("spec").path("replicas");
                if (!replicas.isIntegralNumber() || replicas.asLong() < 0 || replicas.asLong() > Integer.MAX_VALUE) {
                    throw ApiException.invalid(type, info.name(), java.util.List.of(io.gantry.api.StatusCause.field(
                            "spec.replicas", "FieldValueInvalid", "Invalid value: " + replicas
                                    + ": must be greater than or equal to 0")));
                }
                String pinned = body.path("metadata").path("resourceVersion").asText("");
                WriteOptions options = ResourceHandler.writeOptions(ex);
                ObjectNode updated = service.patch(type, info.namespace(), info.name(), PatchType.MERGE,
                        scalePatch(replicas.asInt(), pinned), "scale", options);
                ex.sendJson(200, Scale.of(updated));
            }
            default -> throw ApiException.methodNotAllowed("scale supports get, update and patch");
        }
    }

    private static ObjectNode scalePatch(int replicas, String resourceVersion) {
        ObjectNode patch = Json.object();
        patch.putObject("spec").put("replicas", replicas);
        if (!resourceVersion.isEmpty()) {
            patch.putObject("metadata").put("resourceVersion", resourceVersion);
        }
        return patch;
    }

    // ---- pods/binding ----

    /** pods/binding: assigns the pod to the binding's target node; a Success Status. */
    public ObjectNode bind(ResourceType type, String namespace, String name, ObjectNode binding) {
        String node = binding.path("target").path("name").asText("");
        if (node.isEmpty()) {
            throw ApiException.invalid(type, name, java.util.List.of(io.gantry.api.StatusCause.field("target.name",
                    "FieldValueRequired", "Required value")));
        }
        service.storage().guaranteedUpdate(type, namespace, name, Subresources::bindingCopy, pod -> {
            if (Meta.deleting(pod)) {
                throw ApiException.conflict(type, name, "pod " + name + " is being deleted, cannot be assigned to a host");
            }
            String current = pod.path("spec").path("nodeName").asText("");
            if (!current.isEmpty()) {
                throw ApiException.conflict(type, name, "pod " + name + " is already assigned to node \"" + current + "\"");
            }
            pod.with("spec").put("nodeName", node);
            PodConditions.set(pod, "PodScheduled", "True", null, null);
            return pod;
        });
        return success();
    }

    /**
     * What a binding changes of a pod made its own: the root, metadata's top level (where the write sets the
     * resourceVersion), spec's top level (nodeName) and the status (a condition). The values inside metadata and
     * inside spec's fields stay the current object's nodes, only read.
     */
    private static ObjectNode bindingCopy(ObjectNode pod) {
        ObjectNode copy = Json.object().setAll(pod);
        if (pod.get("metadata") instanceof ObjectNode metadata) {
            copy.set("metadata", Json.object().setAll(metadata));
        }
        if (pod.get("spec") instanceof ObjectNode spec) {
            copy.set("spec", Json.object().setAll(spec));
        }
        if (pod.get("status") instanceof ObjectNode status) {
            copy.set("status", status.deepCopy());
        }
        return copy;
    }

    // ---- pods/eviction ----

    /** pods/eviction: deletes the pod unless its PodDisruptionBudget forbids it now (429); a Success Status. */
    public ObjectNode evict(ResourceType type, String namespace, String name, ObjectNode eviction) {
        return evictions.evict(type, namespace, name, eviction, false);
    }

    static ObjectNode success() {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        status.put("code", 201);
        return status;
    }

    private static void requireMethod(HttpExchange ex, String method) {
        if (!ex.method().equals(method)) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }
}
