package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ParsedCopy;
import io.gantry.api.ResourceType;
import io.gantry.api.selector.FieldSelector;
import io.gantry.api.selector.LabelSelector;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.rest.DeleteOptions;
import io.gantry.apiserver.rest.ListOptions;
import io.gantry.apiserver.rest.ListResponse;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.rest.PatchType;
import io.gantry.apiserver.rest.WriteOptions;
import io.gantry.apiserver.storage.Written;
import io.gantry.apiserver.subresources.Subresources;
import io.gantry.apiserver.watch.WatchCaches;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.ListQuery;
import io.gantry.client.ObjectList;
import io.gantry.client.PatchKind;
import io.gantry.client.WatchHandle;
import io.gantry.client.WatchListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API for components that run in the API server's own process (the scheduler and controller manager of
 * {@code gantry up}): the same operations, validation, defaulting and managedFields as over HTTPS, without TLS,
 * HTTP and JSON in between. Every object handed out is the caller's own copy, so a component that modifies one
 * cannot touch the server's cache. Writes are recorded under {@code fieldManager}, as the User-Agent names the
 * manager of a remote client.
 */
final class LocalApiClient implements ApiClient {
    private final ObjectService service;
    private final Subresources subresources;
    private final WatchCaches caches;
    private final String fieldManager;
    private final Set<LocalWatch> watches = ConcurrentHashMap.newKeySet();

    LocalApiClient(ObjectService service, Subresources subresources, WatchCaches caches, String fieldManager) {
        this.service = service;
        this.subresources = subresources;
        this.caches = caches;
        this.fieldManager = fieldManager;
    }

    static LocalApiClient of(ApiServer server, String fieldManager) {
        return new LocalApiClient(server.service(), server.subresources(), server.caches(), fieldManager);
    }

    private WriteOptions writeOptions() {
        return new WriteOptions(false, fieldManager, WriteOptions.FieldValidation.WARN, false, new ArrayList<>());
    }

    static ListOptions listOptions(ListQuery query) {
        return new ListOptions(
                query.labelSelector().isEmpty() ? null : LabelSelector.parse(query.labelSelector()),
                query.fieldSelector().isEmpty() ? null : FieldSelector.parse(query.fieldSelector()),
                query.resourceVersion(), "", 0, null);
    }

    @Override
    public ObjectNode get(ResourceType type, String namespace, String name) {
        return service.get(type, namespace, name);
    }

    @Override
    public Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
        return service.find(type, namespace, name);
    }

    @Override
    public ObjectList list(ResourceType type, String namespace, ListQuery query) {
        ListResponse response = service.list(type, namespace, listOptions(query));
        List<ObjectNode> items = new ArrayList<>(response.items().size());
        for (ObjectNode item : response.items()) {
            // as the watch delivers them (CacheEvent.informerCopy): this client feeds informers
            if (item.get("metadata") instanceof ObjectNode metadata) {
                metadata.remove("managedFields");
            }
            item.put("apiVersion", type.apiVersion());
            item.put("kind", type.kind());
            items.add(item);
        }
        return new ObjectList(items, Long.toString(response.resourceVersion()));
    }

    @Override
    public ObjectNode create(ResourceType type, String namespace, ObjectNode object) {
        return asJson(service.createWritten(type, namespace, asJson(object), writeOptions()));
    }

    @Override
    public void createWithoutResult(ResourceType type, String namespace, ObjectNode object) {
        service.createWritten(type, namespace, asJson(object), writeOptions());
    }

    /** Without the copy of the created object that {@link #create} makes: a pod's creator wants its name alone. */
    @Override
    public String createReturningName(ResourceType type, String namespace, ObjectNode object) {
        return nameOf(service.createWritten(type, namespace, asJson(object), writeOptions()).object());
    }

    @Override
    public ObjectNode update(ResourceType type, ObjectNode object) {
        return asJson(service.updateWritten(type, namespaceOf(object), nameOf(object), asJson(object), "",
                writeOptions()));
    }

    @Override
    public ObjectNode updateStatus(ResourceType type, ObjectNode object) {
        return asJson(service.updateWritten(type, namespaceOf(object), nameOf(object), asJson(object), "status",
                writeOptions()));
    }

    @Override
    public ObjectNode patch(ResourceType type, String namespace, String name, String subresource, PatchKind kind,
                            JsonNode patch) {
        requirePatchable(type, subresource);
        return asJson(service.patchWritten(type, namespace, name, PatchType.fromContentType(kind.contentType()),
                asJson(patch), subresource, writeOptions()));
    }

    /** Patches reach the object itself or its status, as over HTTP. */
    private static void requirePatchable(ResourceType type, String subresource) {
        if (!subresource.isEmpty() && !(subresource.equals("status") && type.hasSubresource("status"))) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
    }

    @Override
    public void patchWithoutResult(ResourceType type, String namespace, String name, String subresource,
                                   PatchKind kind, JsonNode patch) {
        requirePatchable(type, subresource);
        service.patchWritten(type, namespace, name, PatchType.fromContentType(kind.contentType()), asJson(patch),
                subresource, writeOptions());
    }

    @Override
    public JsonNode post(ResourceType type, String namespace, String name, String subresource, ObjectNode body) {
        boolean pods = type.apiVersion().equals("v1") && type.kind().equals("Pod");
        return switch (pods ? subresource : "") {
            case "binding" -> subresources.bind(type, namespace, name, asJson(body));
            case "eviction" -> subresources.evict(type, namespace, name, asJson(body));
            default -> throw ApiException.notFound("the server could not find the requested resource");
        };
    }

    @Override
    public ObjectNode delete(ResourceType type, String namespace, String name, DeleteRequest request) {
        DeleteOptions.Propagation propagation = request.propagationPolicy() == null ? null
                : switch (request.propagationPolicy()) {
                    case "Background" -> DeleteOptions.Propagation.BACKGROUND;
                    case "Foreground" -> DeleteOptions.Propagation.FOREGROUND;
                    case "Orphan" -> DeleteOptions.Propagation.ORPHAN;
                    default -> throw ApiException.badRequest("unsupported propagation policy: "
                            + request.propagationPolicy());
                };
        return asJson(service.delete(type, namespace, name, new DeleteOptions(request.gracePeriodSeconds(), propagation,
                request.preconditionUid(), null, false)).object());
    }

    @Override
    public WatchHandle watch(ResourceType type, String namespace, ListQuery query, WatchListener listener) {
        ListOptions options = listOptions(query);
        if (options.fields() != null) {
            options.fields().requireSupported(type.fieldSelectors());
        }
        LocalWatch watch = LocalWatch.start(caches.get(type), namespace, options, listener, watches::remove);
        watches.add(watch);
        return watch;
    }

    /**
     * A write's result as it would arrive over HTTP (the stored JSON is the written object's), except that the
     * field sets of its managedFields stay the raw JSON the write made of them: the same JSON, but no
     * in-process component reads them (a pod's creator wants its name), and parsing them was most of the copy.
     */
    private static ObjectNode asJson(Written written) {
        ObjectNode copy = ParsedCopy.of(written.object(), ParsedCopy.Raw.KEEP);
        return copy != null ? copy : asJson(written.object());
    }

    /**
     * The tree as it would arrive over HTTP: as parsing its JSON gives it, copied ({@link ParsedCopy}), or encoded
     * and parsed again when a copy cannot reproduce that. Trees built in code hold numbers as the code made them
     * (a long 3 is not equal to the int 3 a parse yields); compared with stored objects, which are always parsed,
     * they would make every write look like a change, and a controller writing its status would never settle.
     */
    @SuppressWarnings("unchecked")
    private static <T extends JsonNode> T asJson(T tree) {
        T copy = ParsedCopy.of(tree, ParsedCopy.Raw.PARSE);
        if (copy != null) {
            return copy;
        }
        try {
            return (T) Json.MAPPER.readTree(Json.bytes(tree));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String namespaceOf(ObjectNode object) {
        return object.path("metadata").path("namespace").asText("");
    }

    private static String nameOf(ObjectNode object) {
        return object.path("metadata").path("name").asText("");
    }

    /** Ends every watch this client started; the calls themselves need nothing closed. */
    @Override
    public void close() {
        for (LocalWatch watch : List.copyOf(watches)) {
            watch.close();
        }
    }

    /** For tests and logs: objects are plain JSON, as remote clients see them. */
    @Override
    public String toString() {
        return "LocalApiClient[" + Json.string(fieldManager) + "]";
    }
}
