package io.gantry.apiserver.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.protobuf.ProtobufDecoder;
import io.gantry.api.selector.FieldSelector;
import io.gantry.api.selector.LabelSelector;
import io.gantry.api.table.Tables;
import io.gantry.apiserver.rest.DeleteOptions;
import io.gantry.apiserver.rest.ListOptions;
import io.gantry.apiserver.rest.ListResponse;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.rest.PatchType;
import io.gantry.apiserver.rest.ServedList;
import io.gantry.apiserver.rest.WriteOptions;
import io.gantry.apiserver.subresources.Subresources;
import io.gantry.apiserver.storage.ObjectKeys;
import io.gantry.apiserver.storage.Written;
import io.gantry.apiserver.watch.WatchCache;
import io.gantry.apiserver.watch.WatchCaches;
import org.eclipse.jetty.http.HttpHeader;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** Maps resource requests (verbs on collections, objects and subresources) onto the {@link ObjectService}. */
public final class ResourceHandler {
    private final ObjectService service;
    private final Subresources subresources;
    private final WatchStreamer watches;
    private final WatchCaches caches;

    public ResourceHandler(ObjectService service, Subresources subresources, WatchCaches caches) {
        this.service = service;
        this.subresources = subresources;
        this.watches = new WatchStreamer(caches);
        this.caches = caches;
    }

    void handle(HttpExchange ex, RequestInfo info) throws IOException {
        ResourceType type = info.type();
        String method = ex.method();
        Negotiation negotiation = Negotiation.of(ex.header(HttpHeader.ACCEPT), ex.query("includeObject"));
        if (!info.subresource().isEmpty()) {
            subresources.handle(ex, info, this);
            return;
        }
        if (info.collection()) {
            switch (method) {
                case "GET" -> {
                    if (ex.queryFlag("watch") && "websocket".equalsIgnoreCase(ex.header(HttpHeader.UPGRADE))) {
                        // Watches are served over plain HTTP streaming; a 200 (not 101) tells WebSocket clients
                        // such as fabric8 to fall back to it at once, where a 503 would make them retry first.
                        ex.sendText(200, "watch over WebSocket is not supported; use an HTTP watch");
                    } else if (ex.queryFlag("watch")) {
                        watches.stream(ex, info, listOptions(ex), negotiation);
                    } else {
                        ListOptions options = listOptions(ex);
                        if (servedFromStore(options) && !negotiation.table() && !negotiation.yaml()) {
                            sendServedList(ex, type, service.listServed(type, info.namespace(), options));
                        } else {
                            sendList(ex, type, list(info, options), negotiation);
                        }
                    }
                }
                case "POST" -> {
                    requireNamespaceForWrite(info);
                    WriteOptions options = writeOptions(ex);
                    Written created = service.createWritten(type, info.namespace(), bodyObject(ex), options);
                    sendWritten(ex, options.dryRun() ? 200 : 201, type, created, negotiation, options);
                }
                case "DELETE" -> {
                    List<ObjectNode> deleted = service.deleteCollection(type, info.namespace(), listOptions(ex),
                            deleteOptions(ex));
                    ObjectNode list = listObject(type, deleted, Long.toString(service.storage().store().currentRevision()), "");
                    ex.sendJson(200, list);
                }
                default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
            return;
        }
        switch (method) {
            case "GET" -> sendObject(ex, 200, type, service.get(type, info.namespace(), info.name()), negotiation, null);
            case "PUT" -> {
                WriteOptions options = writeOptions(ex);
                Written updated = service.updateWritten(type, info.namespace(), info.name(), bodyObject(ex), "",
                        options);
                sendWritten(ex, 200, type, updated, negotiation, options);
            }
            case "PATCH" -> {
                WriteOptions options = writeOptions(ex);
                PatchType patchType = PatchType.fromContentType(ex.header(HttpHeader.CONTENT_TYPE));
                String explicitManager = ex.query("fieldManager");
                if (patchType == PatchType.APPLY && (explicitManager == null || explicitManager.isEmpty())) {
                    throw ApiException.badRequest("PATCH requests with apply content type must specify fieldManager");
                }
                // an apply that creates the object answers 201 Created, as a POST would
                boolean creates = patchType == PatchType.APPLY && !options.dryRun()
                        && service.find(type, info.namespace(), info.name()).isEmpty();
                Written patched = service.patchWritten(type, info.namespace(), info.name(), patchType,
                        patchBody(ex, patchType), "", options);
                sendWritten(ex, creates ? 201 : 200, type, patched, negotiation, options);
            }
            case "DELETE" -> {
                ObjectService.DeleteResult result = service.delete(type, info.namespace(), info.name(), deleteOptions(ex));
                sendObject(ex, result.gone() ? 200 : 202, type, result.object(), negotiation, null);
            }
            default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    /**
     * resourceVersion "0" means "any version is fine": such lists (informers start with one) are served from
     * the watch cache, without paging, as Kubernetes does; all others read the store at one revision.
     */
    private ListResponse list(RequestInfo info, ListOptions options) {
        if (servedFromStore(options)) {
            return service.list(info.type(), info.namespace(), options);
        }
        if (options.fields() != null) {
            options.fields().requireSupported(info.type().fieldSelectors());
        }
        WatchCache.Snapshot snapshot = caches.get(info.type()).list(ObjectKeys.prefix(info.type(), info.namespace()));
        List<ObjectNode> items = snapshot.items().stream().filter(o -> ObjectService.matches(o, options)).toList();
        return new ListResponse(items, snapshot.revision(), "", null);
    }

    private static boolean servedFromStore(ListOptions options) {
        boolean anyVersion = "0".equals(options.resourceVersion())
                && (options.continueToken() == null || options.continueToken().isEmpty());
        return !anyVersion;
    }

    private static void requireNamespaceForWrite(RequestInfo info) {
        if (info.type().namespaced() && info.namespace().isEmpty()) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
    }

    // ---- decoding ----

    public static ObjectNode bodyObject(HttpExchange ex) throws IOException {
        JsonNode node = decode(ex.body(), ex.header(HttpHeader.CONTENT_TYPE));
        if (!(node instanceof ObjectNode o)) {
            throw ApiException.badRequest("the request body must be a single object");
        }
        return o;
    }

    public static JsonNode patchBody(HttpExchange ex, PatchType type) throws IOException {
        byte[] body = ex.body();
        return type == PatchType.APPLY ? decode(body, "application/yaml") : decode(body, "application/json");
    }

    static JsonNode decode(byte[] body, String contentType) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        String ct = contentType == null ? "application/json" : contentType.split(";")[0].trim();
        try {
            JsonNode node;
            if (ct.equals(ProtobufDecoder.MEDIA_TYPE)) {
                node = ProtobufDecoder.decode(body);
            } else if (ct.equals("application/yaml") || ct.equals("application/apply-patch+yaml")) {
                node = Json.YAML.readTree(body);
            } else if (ct.isEmpty() || ct.equals("application/json") || ct.endsWith("+json") || ct.equals("*/*")) {
                node = Json.MAPPER.readTree(body);
            } else {
                throw ApiException.unsupportedMediaType(contentType);
            }
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("the request body is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body could not be decoded: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage());
        }
    }

    public static WriteOptions writeOptions(HttpExchange ex) {
        List<String> dryRun = ex.queryValues("dryRun");
        for (String d : dryRun) {
            if (!d.equals("All")) {
                throw ApiException.badRequest("Invalid dryRun value: \"" + d + "\", supported values: All");
            }
        }
        String fieldManager = ex.query("fieldManager");
        if (fieldManager == null || fieldManager.isEmpty()) {
            fieldManager = managerFromUserAgent(ex.header(HttpHeader.USER_AGENT));
        }
        return new WriteOptions(!dryRun.isEmpty(), fieldManager,
                WriteOptions.parseFieldValidation(ex.query("fieldValidation")), ex.queryFlag("force"),
                new java.util.ArrayList<>());
    }

    /**
     * The field manager of a write that names none, as Kubernetes derives it: the User-Agent up to its first
     * slash ({@code kubectl/v1.30.0 (linux/amd64) kubernetes/abc} is {@code kubectl}), printable characters only,
     * at most 128 of them; null without a User-Agent.
     */
    static String managerFromUserAgent(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        String prefix = userAgent.split("/", 2)[0];
        StringBuilder manager = new StringBuilder();
        prefix.codePoints().filter(c -> !Character.isISOControl(c) && Character.isDefined(c))
                .limit(128).forEach(manager::appendCodePoint);
        return manager.isEmpty() ? null : manager.toString();
    }

    static ListOptions listOptions(HttpExchange ex) {
        String labels = ex.query("labelSelector");
        String fields = ex.query("fieldSelector");
        long limit = 0;
        if (ex.query("limit") != null && !ex.query("limit").isEmpty()) {
            try {
                limit = Long.parseLong(ex.query("limit"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("limit must be a number: " + ex.query("limit"));
            }
        }
        return new ListOptions(
                labels == null || labels.isEmpty() ? null : LabelSelector.parse(labels),
                fields == null || fields.isEmpty() ? null : FieldSelector.parse(fields),
                ex.query("resourceVersion") == null ? "" : ex.query("resourceVersion"),
                ex.query("resourceVersionMatch") == null ? "" : ex.query("resourceVersionMatch"),
                limit,
                ex.query("continue"));
    }

    public static DeleteOptions deleteOptions(HttpExchange ex) throws IOException {
        byte[] body = ex.body();
        DeleteOptions options = body.length > 0
                ? DeleteOptions.fromJson(decode(body, ex.header(HttpHeader.CONTENT_TYPE)))
                : DeleteOptions.defaults();
        if (!ex.queryValues("dryRun").isEmpty()) {
            options = options.withDryRun();
        }
        if (ex.query("gracePeriodSeconds") != null) {
            try {
                options = options.withGracePeriod(Long.parseLong(ex.query("gracePeriodSeconds")));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("gracePeriodSeconds must be a number");
            }
        }
        if (ex.query("propagationPolicy") != null) {
            options = options.withPropagation(DeleteOptions.propagation(ex.query("propagationPolicy")));
        }
        return options;
    }

    // ---- encoding ----

    /** Answers a write with the stored JSON when plain JSON is wanted, so the object is not encoded again. */
    public void sendWritten(HttpExchange ex, int status, ResourceType type, Written written, Negotiation negotiation,
                            WriteOptions options) throws IOException {
        byte[] json = negotiation.table() || negotiation.yaml() ? null : written.servedJson();
        if (json == null) {
            sendObject(ex, status, type, written.object(), negotiation, options);
            return;
        }
        if (options != null) {
            options.warnings().forEach(ex::addWarning);
        }
        ex.send(status, "application/json", json);
    }

    public void sendObject(HttpExchange ex, int status, ResourceType type, ObjectNode object, Negotiation negotiation,
                    WriteOptions options) throws IOException {
        if (options != null) {
            options.warnings().forEach(ex::addWarning);
        }
        if (negotiation.table()) {
            ex.sendJson(status, Tables.table(type, List.of(object), object.path("metadata").path("resourceVersion").asText(),
                    null, null, negotiation.includeObject(), Instant.now()));
        } else if (negotiation.yaml()) {
            // parsed again from its JSON: raw JSON inside the tree (managedFields) has no YAML form of its own
            ex.send(status, "application/yaml", Json.YAML.writeValueAsBytes(Json.parseObject(Json.bytes(object))));
        } else {
            ex.sendJson(status, object);
        }
    }

    private void sendList(HttpExchange ex, ResourceType type, ListResponse list, Negotiation negotiation) throws IOException {
        String rv = Long.toString(list.resourceVersion());
        if (negotiation.table()) {
            ex.sendJson(200, Tables.table(type, list.items(), rv, list.continueToken(), list.remainingItemCount(),
                    negotiation.includeObject(), Instant.now()));
            return;
        }
        ex.sendJson(200, listObject(type, list.items(), rv, list.continueToken()));
    }

    /** A JSON list of objects already in their served JSON: the envelope is encoded, the items copied in. */
    private static void sendServedList(HttpExchange ex, ResourceType type, ServedList list) throws IOException {
        byte[] envelope = Json.bytes(listObject(type, List.of(), Long.toString(list.resourceVersion()),
                list.continueToken()));
        // the envelope ends with "items":[]}: the items go between the brackets
        int itemsAt = envelope.length - 2;
        int size = envelope.length + Math.max(0, list.items().size() - 1);
        for (byte[] item : list.items()) {
            size += item.length;
        }
        byte[] body = new byte[size];
        System.arraycopy(envelope, 0, body, 0, itemsAt);
        int at = itemsAt;
        for (int i = 0; i < list.items().size(); i++) {
            if (i > 0) {
                body[at++] = ',';
            }
            byte[] item = list.items().get(i);
            System.arraycopy(item, 0, body, at, item.length);
            at += item.length;
        }
        body[at++] = ']';
        body[at] = '}';
        ex.send(200, "application/json", body);
    }

    static ObjectNode listObject(ResourceType type, List<ObjectNode> items, String resourceVersion, String continueToken) {
        ObjectNode list = Json.object();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        ObjectNode meta = list.putObject("metadata");
        meta.put("resourceVersion", resourceVersion);
        if (continueToken != null && !continueToken.isEmpty()) {
            meta.put("continue", continueToken);
        }
        ArrayNode array = list.putArray("items");
        // Items keep apiVersion and kind (Kubernetes omits them; every client accepts both). They are added as
        // they are, not copied: the list is serialized right away and nothing changes them meanwhile.
        items.forEach(array::add);
        return list;
    }

    ObjectService service() {
        return service;
    }
}
