package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;

import java.util.Optional;

/**
 * The Kubernetes API as Gantry's own components use it (scheduler, controllers, agents). Calls block; use
 * virtual threads. Failures are {@link io.gantry.api.ApiException}s carrying the server's Status (code and
 * reason), so callers handle 404 and 409 as Kubernetes clients do.
 */
public interface ApiClient extends AutoCloseable {

    ObjectNode get(ResourceType type, String namespace, String name);

    /** The object, or empty when the server answers 404. */
    Optional<ObjectNode> find(ResourceType type, String namespace, String name);

    /** @param namespace "" for cluster-scoped kinds or all namespaces */
    ObjectList list(ResourceType type, String namespace, ListQuery query);

    ObjectNode create(ResourceType type, String namespace, ObjectNode object);

    /** A create whose resulting object the caller does not need: failures are thrown as from {@link #create}. */
    default void createWithoutResult(ResourceType type, String namespace, ObjectNode object) {
        create(type, namespace, object);
    }

    /**
     * A create whose caller needs only the name the object got (what its generateName became), as controllers
     * naming a new pod in an event: failures are thrown as from {@link #create}.
     */
    default String createReturningName(ResourceType type, String namespace, ObjectNode object) {
        return create(type, namespace, object).path("metadata").path("name").asText();
    }

    /** PUT of the whole object; its metadata.resourceVersion, when set, must be current (else 409). */
    ObjectNode update(ResourceType type, ObjectNode object);

    /** PUT to the status subresource. */
    ObjectNode updateStatus(ResourceType type, ObjectNode object);

    /** @param subresource "" for the object itself, or "status", "scale" */
    ObjectNode patch(ResourceType type, String namespace, String name, String subresource, PatchKind kind,
                     JsonNode patch);

    /**
     * A patch whose resulting object the caller does not need (client-go's {@code Do().Error()}): failures are
     * thrown as from {@link #patch}, but the answer is not decoded.
     */
    default void patchWithoutResult(ResourceType type, String namespace, String name, String subresource,
                                    PatchKind kind, JsonNode patch) {
        patch(type, namespace, name, subresource, kind, patch);
    }

    /** POST to a subresource such as pods/binding or pods/eviction; returns the answer (often a Status). */
    JsonNode post(ResourceType type, String namespace, String name, String subresource, ObjectNode body);

    /** Deletes; returns the object as the server last had it (with deletionTimestamp if still pending). */
    ObjectNode delete(ResourceType type, String namespace, String name, DeleteRequest request);

    /**
     * Starts a watch on its own thread; events go to {@code listener} in order. The watch ends when the server
     * closes it, on an error (with {@link WatchListener#onClose}) or when the returned handle is closed.
     */
    WatchHandle watch(ResourceType type, String namespace, ListQuery query, WatchListener listener);

    @Override
    void close();
}
