package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ParsedCopy;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.api.SameContent;
import io.gantry.api.StatusCause;
import io.gantry.api.apply.ApplyConflictException;
import io.gantry.api.apply.Conflict;
import io.gantry.api.apply.ManagedFields;
import io.gantry.api.apply.ServerSideApply;
import io.gantry.api.defaults.Defaulter;
import io.gantry.api.schema.UnknownFields;
import io.gantry.api.selector.FieldValues;
import io.gantry.api.validation.Validator;
import io.gantry.apiserver.storage.Meta;
import io.gantry.apiserver.storage.ObjectKeys;
import io.gantry.apiserver.storage.ObjectPage;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.apiserver.storage.StoredJson;
import io.gantry.apiserver.storage.StoredObject;
import io.gantry.apiserver.storage.Written;
import io.gantry.store.CompactedException;
import io.gantry.store.KeyValue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The generic semantics of the Kubernetes API for every kind: create, read, update, patch, delete and list,
 * with optimistic concurrency, generateName, uid and timestamps, generation, status separation, graceful
 * deletion and finalizers, defaulting and validation. Transport-independent: the HTTP layer maps requests here.
 */
public final class ObjectService {
    private static final int MAX_PATCH_ATTEMPTS = 64;
    private static final String NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    /** Kubernetes tries 8 names for a generateName before it answers AlreadyExists. */
    private static final int GENERATE_NAME_ATTEMPTS = 8;

    private final ResourceRegistry registry;
    private final ObjectStorage storage;
    private final Map<String, ResourceStrategy> strategies;
    private final NamespaceLookup namespaces;
    private final UnknownFields unknownFields;
    /** Suffixes for generateName: five random characters of Kubernetes' alphabet. */
    private final Supplier<String> nameSuffixes;

    /**
     * @param strategies kind-specific behaviour keyed by {@code apiVersion/kind}; others use the default
     * @param namespaces tells whether a namespace exists and is not terminating
     */
    public ObjectService(ResourceRegistry registry, ObjectStorage storage, Map<String, ResourceStrategy> strategies,
                         NamespaceLookup namespaces, UnknownFields unknownFields) {
        this(registry, storage, strategies, namespaces, unknownFields, randomSuffixes(new SecureRandom()));
    }

    /** With the generateName suffixes given (tests: collisions on purpose). */
    ObjectService(ResourceRegistry registry, ObjectStorage storage, Map<String, ResourceStrategy> strategies,
                  NamespaceLookup namespaces, UnknownFields unknownFields, Supplier<String> nameSuffixes) {
        this.nameSuffixes = nameSuffixes;
        this.unknownFields = unknownFields;
        this.registry = registry;
        this.storage = storage;
        this.strategies = Map.copyOf(strategies);
        this.namespaces = namespaces;
    }

    public ResourceRegistry registry() {
        return registry;
    }

    public ObjectStorage storage() {
        return storage;
    }

    private ResourceStrategy strategy(ResourceType type) {
        return strategies.getOrDefault(type.apiVersion() + "/" + type.kind(), ResourceStrategy.DEFAULT);
    }

    // ---- read ----

    public ObjectNode get(ResourceType type, String namespace, String name) {
        return storage.get(type, namespace, name).map(StoredObject::object)
                .orElseThrow(() -> ApiException.notFound(type, name));
    }

    public Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
        return storage.get(type, namespace, name).map(StoredObject::object);
    }

    public ListResponse list(ResourceType type, String namespace, ListOptions options) {
        Page<ObjectNode> page = listPage(type, namespace, options,
                (kv, object) -> object != null ? object : ObjectStorage.decode(kv).object());
        return new ListResponse(page.items(), page.revision(), page.continueToken(), null);
    }

    /**
     * Like {@link #list}, each object as the JSON the API serves: the stored value with its resourceVersion,
     * parsed only when a selector needs to look into it.
     */
    public ServedList listServed(ResourceType type, String namespace, ListOptions options) {
        Page<byte[]> page = listPage(type, namespace, options, (kv, object) -> {
            byte[] served = StoredJson.withResourceVersion(kv.value(), kv.modRevision());
            return served != null ? served : Json.bytes(object != null ? object : ObjectStorage.decode(kv).object());
        });
        return new ServedList(page.items(), page.revision(), page.continueToken());
    }

    private record Page<T>(List<T> items, long revision, String continueToken) {
    }

    /** Makes a list item from the stored value and, when a selector had to parse it, the parsed object. */
    private interface ItemMaker<T> {
        T make(KeyValue stored, ObjectNode parsedOrNull);
    }

    private <T> Page<T> listPage(ResourceType type, String namespace, ListOptions options, ItemMaker<T> maker) {
        long revision = 0;
        String startAfter = null;
        if (options.continueToken() != null && !options.continueToken().isEmpty()) {
            ContinueToken token = ContinueToken.decode(options.continueToken());
            if (!token.lastKey().startsWith(ObjectKeys.prefix(type, namespace))) {
                throw ApiException.badRequest("continue key is not valid: key is outside of the requested list");
            }
            revision = token.revision();
            startAfter = token.lastKey();
        } else if ("Exact".equals(options.resourceVersionMatch())) {
            revision = parseVersion(options.resourceVersion());
        }
        if (options.fields() != null) {
            options.fields().requireSupported(type.fieldSelectors());
        }
        boolean selecting = options.labels() != null || options.fields() != null;
        int limit = options.limit() > 0 ? (int) Math.min(options.limit(), 100_000) : 0;
        List<T> items = new ArrayList<>();
        try {
            while (true) {
                int chunk = limit == 0 ? 0 : Math.max(limit - items.size(), Math.min(limit, 500));
                ObjectPage page = storage.list(type, namespace, revision, startAfter, chunk);
                revision = page.revision();
                String lastIncludedKey = startAfter;
                boolean full = false;
                for (KeyValue kv : page.items()) {
                    lastIncludedKey = kv.key();
                    ObjectNode object = selecting ? ObjectStorage.decode(kv).object() : null;
                    if (object == null || matches(object, options)) {
                        items.add(maker.make(kv, object));
                        if (limit > 0 && items.size() == limit) {
                            full = true;
                            break;
                        }
                    }
                }
                boolean moreAfterLast = full
                        ? page.more() || !o(lastIncludedKey).equals(o(page.lastKey()))
                        : page.more();
                if (full || !page.more()) {
                    String token = full && moreAfterLast ? new ContinueToken(revision, lastIncludedKey).encode() : "";
                    return new Page<>(items, revision, token);
                }
                startAfter = page.lastKey();
            }
        } catch (CompactedException e) {
            if (options.continueToken() != null && !options.continueToken().isEmpty()) {
                throw ApiException.resourceExpired("The provided continue parameter is too old to display a "
                        + "consistent list result. You can start a new list without the continue parameter.");
            }
            throw ApiException.resourceExpired("too old resource version: " + revision + " (" + e.compacted() + ")");
        }
    }

    private static String o(String s) {
        return s == null ? "" : s;
    }

    public static boolean matches(ObjectNode object, ListOptions options) {
        if (options.labels() != null && !options.labels().matches(Meta.labels(object))) {
            return false;
        }
        return options.fields() == null || options.fields().matches(path -> FieldValues.get(object, path));
    }

    private static long parseVersion(String resourceVersion) {
        try {
            long v = Long.parseLong(resourceVersion);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Invalid value: \"" + resourceVersion + "\": resourceVersion must be a number");
        }
    }

    // ---- create ----

    public ObjectNode create(ResourceType type, String namespace, ObjectNode body, WriteOptions options) {
        return createWritten(type, namespace, body, options).object();
    }

    /** Like {@link #create}, with the stored JSON to answer with. */
    public Written createWritten(ResourceType type, String namespace, ObjectNode body, WriteOptions options) {
        return create(type, namespace, body, options, false);
    }

    /** @param applied the body comes from a server-side apply and carries its managedFields already */
    private Written create(ResourceType type, String namespace, ObjectNode body, WriteOptions options,
                           boolean applied) {
        ObjectNode object = body.deepCopy();
        checkTypeMeta(type, object);
        ObjectNode meta = Meta.metadata(object);
        scopeNamespace(type, namespace, object);
        checkUnknownFields(type, object, options);
        if (meta.hasNonNull("resourceVersion") && !meta.path("resourceVersion").asText().isEmpty()) {
            throw ApiException.badRequest("resourceVersion should not be set on objects to be created");
        }
        boolean generatedName = Meta.name(object).isEmpty() && !meta.path("generateName").asText("").isEmpty();
        if (generatedName) {
            meta.put("name", meta.path("generateName").asText() + nameSuffixes.get());
        }
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", Clock.now());
        meta.remove(List.of("deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"));
        ResourceStrategy strategy = strategy(type);
        strategy.prepareForCreate(type, object);
        if (strategy.tracksGeneration(type)) {
            meta.put("generation", 1);
        } else {
            meta.remove("generation");
        }
        Defaulter.apply(type, object);
        if (!applied) {
            ManagedFields.recordUpdate(null, object, manager(options), "", Instant.now(), type.modelClass(),
                    resetFields(type, ""));
        }
        List<StatusCause> causes = Validator.validateCreate(type, object);
        if (!causes.isEmpty()) {
            throw ApiException.invalid(type, Meta.name(object), causes);
        }
        if (type.namespaced()) {
            namespaces.requireWritable(Meta.namespace(object));
        }
        if (options.dryRun()) {
            return Written.unstored(object);
        }
        strategy.beforeCreate(object);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return storage.createWritten(type, object);
                } catch (ApiException e) {
                    // a generated name that is taken gets another suffix, as Kubernetes retries (RetryGenerateName)
                    if (!generatedName || attempt >= GENERATE_NAME_ATTEMPTS || !"AlreadyExists".equals(e.reason())) {
                        throw e;
                    }
                    meta.put("name", meta.path("generateName").asText() + nameSuffixes.get());
                }
            }
        } catch (RuntimeException e) {
            strategy.release(object);
            throw e;
        }
    }

    private static Supplier<String> randomSuffixes(SecureRandom random) {
        return () -> {
            StringBuilder s = new StringBuilder(5);
            for (int i = 0; i < 5; i++) {
                s.append(NAME_SUFFIX_ALPHABET.charAt(random.nextInt(NAME_SUFFIX_ALPHABET.length())));
            }
            return s.toString();
        };
    }

    // ---- update ----

    /**
     * Replaces an object (PUT). A body without resourceVersion is an unconditional update; with one, a stale
     * version is a 409 Conflict.
     *
     * @param subresource "" for the main resource, or "status"
     */
    public ObjectNode update(ResourceType type, String namespace, String name, ObjectNode body, String subresource,
                             WriteOptions options) {
        return updateWritten(type, namespace, name, body, subresource, options).object();
    }

    /** Like {@link #update}, with the stored JSON to answer with. */
    public Written updateWritten(ResourceType type, String namespace, String name, ObjectNode body,
                                 String subresource, WriteOptions options) {
        ObjectNode object = body.deepCopy();
        checkTypeMeta(type, object);
        scopeNamespace(type, namespace, object);
        if (!name.equals(Meta.name(object))) {
            throw ApiException.badRequest("the name of the object (" + Meta.name(object)
                    + ") does not match the name on the URL (" + name + ")");
        }
        checkUnknownFields(type, object, options);
        String precondition = Meta.metadata(object).path("resourceVersion").asText("");
        for (int attempt = 0; ; attempt++) {
            // As a patch does: the first attempt starts from the watch cache's copy, and any failure of it (a
            // stale copy fails the precondition, loses the compare-and-swap or looks like a no-op) is retried from
            // the store, whose answer is final. Controllers write status with the resourceVersion they read, which
            // the cache has almost always seen.
            boolean fromCache = attempt == 0 && !options.dryRun();
            int warnings = options.warnings().size();
            try {
                StoredObject old = (fromCache ? startingPoint(type, namespace, name, subresource)
                        : storage.get(type, namespace, name)).orElseThrow(() -> ApiException.notFound(type, name));
                if (!precondition.isEmpty() && !precondition.equals(Long.toString(old.revision()))) {
                    throw ApiException.conflict(type, name);
                }
                return write(type, old, !fromCache, object.deepCopy(), subresource, options, false);
            } catch (ApiException e) {
                options.warnings().subList(warnings, options.warnings().size()).clear();
                if (fromCache) {
                    continue;
                }
                if (e.code() != 409 || !precondition.isEmpty() || !"Conflict".equals(e.reason())
                        || attempt >= MAX_PATCH_ATTEMPTS) {
                    throw e;
                }
                pauseAfterConflict(attempt);
            }
        }
    }

    /**
     * Applies a patch to the current object and stores the result; retried on concurrent changes unless the
     * patch itself pins a resourceVersion.
     */
    public ObjectNode patch(ResourceType type, String namespace, String name, PatchType patchType, JsonNode patch,
                            String subresource, WriteOptions options) {
        return patchWritten(type, namespace, name, patchType, patch, subresource, options).object();
    }

    /** Like {@link #patch}, with the stored JSON to answer with. */
    public Written patchWritten(ResourceType type, String namespace, String name, PatchType patchType,
                                JsonNode patch, String subresource, WriteOptions options) {
        if (patchType == PatchType.APPLY) {
            return apply(type, namespace, name, patch, subresource, options);
        }
        for (int attempt = 0; ; attempt++) {
            // The first attempt starts from the watch cache's copy. A stale copy loses the compare-and-swap, fails
            // the client's resourceVersion precondition or looks like a no-op; any failure of that attempt is
            // retried from the store, whose answer is final (as Kubernetes' GuaranteedUpdate does).
            boolean fromCache = attempt == 0 && !options.dryRun();
            int warnings = options.warnings().size();
            try {
                return patchOnce(type, namespace, name, patchType, patch, subresource, options, fromCache);
            } catch (ApiException e) {
                // the next attempt warns afresh
                options.warnings().subList(warnings, options.warnings().size()).clear();
                if (fromCache) {
                    continue;
                }
                boolean patchPinned = patch.path("metadata").hasNonNull("resourceVersion");
                boolean conflict = e.code() == 409 && "Conflict".equals(e.reason());
                if (!conflict || patchPinned || attempt >= MAX_PATCH_ATTEMPTS) {
                    throw e;
                }
                pauseAfterConflict(attempt);
            }
        }
    }

    /**
     * A write that keeps losing its compare-and-swap to a busy writer of the same object (a controller updating
     * status as pods change) backs off a little, randomly, so that it gets a turn instead of failing.
     */
    private static void pauseAfterConflict(int attempt) {
        if (attempt < 2) {
            return;
        }
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Math.min(attempt, 20) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.serviceUnavailable("the server is shutting down");
        }
    }

    /**
     * The cached state a write starts from. A status write changes only the root, metadata and status of what it
     * starts from ({@link #write} builds the new object from them), so the rest stays the cache's own, neither
     * copied nor changed.
     */
    private Optional<StoredObject> startingPoint(ResourceType type, String namespace, String name,
                                                 String subresource) {
        return "status".equals(subresource) ? storage.getForStatusWrite(type, namespace, name)
                : storage.getForUpdate(type, namespace, name);
    }

    private Written patchOnce(ResourceType type, String namespace, String name, PatchType patchType,
                                 JsonNode patch, String subresource, WriteOptions options, boolean fromCache) {
        Optional<StoredObject> current = fromCache ? startingPoint(type, namespace, name, subresource)
                : storage.get(type, namespace, name);
        if (current.isEmpty()) {
            throw ApiException.notFound(type, name);
        }
        StoredObject old = current.get();
        ObjectNode patched = Patches.apply(patchType, patchTarget(old.object(), subresource, patchType), patch, type);
        String pinned = Meta.metadata(patched).path("resourceVersion").asText("");
        if (!pinned.isEmpty() && !pinned.equals(Long.toString(old.revision()))) {
            throw ApiException.conflict(type, name);
        }
        checkTypeMeta(type, patched);
        if (!name.equals(Meta.name(patched))) {
            throw ApiException.badRequest("metadata.name: Invalid value: \"" + Meta.name(patched)
                    + "\": field is immutable");
        }
        checkUnknownFields(type, patched, options);
        return write(type, old, !fromCache, patched, subresource, options, false);
    }

    /**
     * What a patch is applied to. A status write keeps only the status of the result (see {@link #write}), so a
     * merge or strategic merge patch of the status works on the object without its spec and managedFields, which
     * in a pod are most of it, instead of copying them to throw the copy away. A JSON patch gets the whole object:
     * its operations may name any path and must fail or succeed as they would there.
     */
    private static ObjectNode patchTarget(ObjectNode object, String subresource, PatchType patchType) {
        if (patchType == PatchType.JSON) {
            // its operations may also name paths inside managedFields, whose fieldsV1 a private copy keeps raw
            if (object.get("metadata") instanceof ObjectNode meta && meta.get("managedFields") != null) {
                JsonNode parsed = ParsedCopy.of(meta.get("managedFields"), ParsedCopy.Raw.PARSE);
                if (parsed != null) {
                    meta.set("managedFields", parsed);
                }
            }
            return object;
        }
        if (!"status".equals(subresource)) {
            return object;
        }
        ObjectNode target = Json.object();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            switch (field.getKey()) {
                case "apiVersion", "kind", "status" -> target.set(field.getKey(), field.getValue());
                case "metadata" -> {
                    if (field.getValue() instanceof ObjectNode metadata) {
                        ObjectNode withoutManagedFields = target.putObject("metadata");
                        metadata.properties().forEach(m -> {
                            if (!m.getKey().equals("managedFields")) {
                                withoutManagedFields.set(m.getKey(), m.getValue());
                            }
                        });
                    } else {
                        target.set("metadata", field.getValue());
                    }
                }
                default -> { }
            }
        }
        return target;
    }

    /**
     * Server-side apply (PATCH with application/apply-patch+yaml): merges the configuration into the object, or
     * creates it, keeping track of which manager owns which field. Conflicts with other managers are a 409 unless
     * the request forces them.
     */
    private Written apply(ResourceType type, String namespace, String name, JsonNode patch, String subresource,
                         WriteOptions options) {
        if (!(patch instanceof ObjectNode body)) {
            throw ApiException.badRequest("the apply configuration must be an object");
        }
        ObjectNode config = body.deepCopy();
        checkTypeMeta(type, config);
        String inBody = Meta.name(config);
        if (!inBody.isEmpty() && !inBody.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + inBody + ") does not match the name on the URL ("
                    + name + ")");
        }
        Meta.metadata(config).put("name", name);
        scopeNamespace(type, namespace, config);
        if (config.path("metadata").has("managedFields")) {
            throw ApiException.badRequest("metadata.managedFields must be nil");
        }
        // Each write path owns its part of the object: status through the status subresource, the rest elsewhere.
        if ("status".equals(subresource)) {
            config.retain("apiVersion", "kind", "metadata", "status");
            Meta.metadata(config).retain("name", "namespace");
        } else if (type.hasSubresource("status")) {
            config.remove("status");
        }
        checkUnknownFields(type, config, options);
        String pinned = Meta.metadata(config).path("resourceVersion").asText("");
        Meta.metadata(config).remove("resourceVersion");
        for (int attempt = 0; ; attempt++) {
            Optional<StoredObject> current = storage.get(type, namespace, name);
            if (current.isEmpty() && !subresource.isEmpty()) {
                throw ApiException.notFound(type, name);
            }
            if (!pinned.isEmpty() && (current.isEmpty() || !pinned.equals(Long.toString(current.get().revision())))) {
                throw ApiException.conflict(type, name);
            }
            ObjectNode merged = serverSideApply(type, current.map(StoredObject::object).orElse(null), config,
                    subresource, options);
            try {
                if (current.isEmpty()) {
                    return create(type, namespace, merged, options, true);
                }
                return write(type, current.get(), true, merged, subresource, options, true);
            } catch (ApiException e) {
                boolean raced = e.code() == 409 && ("Conflict".equals(e.reason()) || "AlreadyExists".equals(e.reason()));
                if (!raced || !pinned.isEmpty() || attempt >= MAX_PATCH_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static ObjectNode serverSideApply(ResourceType type, ObjectNode live, ObjectNode config,
                                              String subresource, WriteOptions options) {
        try {
            return ServerSideApply.apply(live, config, options.fieldManager(), subresource, options.force(),
                    type.modelClass(), Instant.now());
        } catch (ApplyConflictException e) {
            List<StatusCause> causes = new ArrayList<>();
            for (Conflict c : e.conflicts()) {
                causes.add(StatusCause.field(c.path().toString(), "FieldManagerConflict", "conflict with " + c.manager()));
            }
            throw new ApiException(409, "Conflict", e.getMessage(), null, null, null, causes);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * The top-level fields a write through this endpoint never owns, as Kubernetes' strategies reset them: the
     * main resource of a kind with a status subresource keeps the stored status (on create the kind's strategy
     * sets it), and a status write keeps the spec.
     */
    private static Set<String> resetFields(ResourceType type, String subresource) {
        if ("status".equals(subresource)) {
            return Set.of("spec");
        }
        return type.hasSubresource("status") ? Set.of("status") : Set.of();
    }

    /** The manager a non-apply write is recorded under; the HTTP layer derives one from the User-Agent. */
    private static String manager(WriteOptions options) {
        String manager = options.fieldManager();
        return manager == null || manager.isEmpty() ? "unknown" : manager;
    }

    /**
     * The shared tail of update, patch and apply: merge server-owned fields, default, record field ownership,
     * validate, store.
     *
     * @param applied      the object comes from a server-side apply, whose managedFields are already up to date
     * @param oldIsCurrent {@code old} was read from the store; a cached copy may be stale, so a write that would
     *                     change nothing is refused as a conflict (the caller retries from the store) instead of
     *                     answered from it
     */
    private Written write(ResourceType type, StoredObject old, boolean oldIsCurrent, ObjectNode object,
                          String subresource, WriteOptions options, boolean applied) {
        ObjectNode oldObject = old.object();
        JsonNode appliedManagedFields = Meta.metadata(object).get("managedFields");
        ObjectNode meta = Meta.metadata(object);
        ObjectNode oldMeta = Meta.metadata(oldObject);
        if ("status".equals(subresource)) {
            // A status write changes only status; everything else stays as it was. Only metadata's top level
            // (which the write sets) is copied; the rest, and managedFields (replaced, never changed in place, when
            // ownership moves), stay the old object's own, usually the watch cache's nodes, only read: a pod's spec
            // is neither copied nor walked when the two are compared (equal by identity), and the cache's tree of
            // the new version keeps the same nodes.
            ObjectNode merged = Json.object();
            for (Map.Entry<String, JsonNode> field : oldObject.properties()) {
                merged.set(field.getKey(), field.getKey().equals("metadata") && field.getValue() instanceof ObjectNode m
                        ? metadataCopy(m) : field.getValue());
            }
            if (object.has("status")) {
                merged.set("status", object.get("status"));
            } else {
                merged.remove("status");
            }
            object = merged;
            meta = Meta.metadata(object);
            if (applied) {
                if (appliedManagedFields == null) {
                    meta.remove("managedFields");
                } else {
                    meta.set("managedFields", appliedManagedFields);
                }
            }
        } else if (type.hasSubresource("status")) {
            if (oldObject.has("status")) {
                object.set("status", oldObject.get("status"));
            } else {
                object.remove("status");
            }
        }
        for (String field : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                "generation")) {
            if (oldMeta.has(field)) {
                meta.set(field, oldMeta.get(field));
            } else {
                meta.remove(field);
            }
        }
        meta.put("resourceVersion", Long.toString(old.revision()));
        ResourceStrategy strategy = strategy(type);
        strategy.prepareForUpdate(object, oldObject);
        boolean stored = false;
        try {
            Defaulter.apply(type, object);
            if (strategy.tracksGeneration(type) && specChanged(object, oldObject)) {
                meta.put("generation", oldMeta.path("generation").asLong(0) + 1);
            }
            if (!applied) {
                ManagedFields.recordUpdate(oldObject, object, manager(options), subresource, Instant.now(),
                        type.modelClass(), resetFields(type, subresource));
            }
            List<StatusCause> causes = "status".equals(subresource) ? Validator.validateStatusUpdate(object, oldObject)
                    : Validator.validateUpdate(type, object, oldObject);
            if (!causes.isEmpty()) {
                throw ApiException.invalid(type, Meta.name(object), causes);
            }
            if (Meta.deleting(oldObject) && !Meta.hasFinalizers(object) && graceOver(strategy, object)) {
                // The last finalizer is gone: the pending deletion completes now.
                if (!options.dryRun()) {
                    storage.delete(type, Meta.namespace(object), Meta.name(object), old.revision());
                    strategy.release(oldObject);
                }
                return Written.unstored(object);
            }
            if (SameContent.of(object, oldObject) || options.dryRun()) {
                if (!oldIsCurrent) {
                    throw ApiException.conflict(type, Meta.name(object));
                }
                return Written.unstored(object);
            }
            Written result = storage.updateWritten(type, object, old.revision());
            stored = true;
            strategy.afterUpdate(result.object(), oldObject);
            return result;
        } finally {
            if (!stored) {
                strategy.abortUpdate(object, oldObject);
            }
        }
    }

    /**
     * A copy of metadata that shares its values (labels, owner references, managedFields) with the original: a
     * status write sets fields of metadata, never anything inside them, and the values may be the cache's own
     * ({@link ObjectStorage#getForStatusWrite}).
     */
    private static ObjectNode metadataCopy(ObjectNode metadata) {
        return Json.object().setAll(metadata);
    }

    /** Whether anything but metadata and status differs (compared in place: this runs on every write). */
    static boolean specChanged(ObjectNode object, ObjectNode oldObject) {
        int compared = 0;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String name = field.getKey();
            if (name.equals("metadata") || name.equals("status")) {
                continue;
            }
            compared++;
            if (!field.getValue().equals(oldObject.get(name))) {
                return true;
            }
        }
        int oldFields = oldObject.size() - (oldObject.has("metadata") ? 1 : 0) - (oldObject.has("status") ? 1 : 0);
        return compared != oldFields;
    }

    // ---- delete ----

    /**
     * Deletes an object, or starts its graceful deletion: objects with finalizers, Foreground or Orphan
     * propagation, or a grace period get a deletionTimestamp and disappear once those are done.
     * Returns the object as it was last stored (with deletionTimestamp if the deletion is pending).
     */
    public DeleteResult delete(ResourceType type, String namespace, String name, DeleteOptions options) {
        ResourceStrategy strategy = strategy(type);
        for (int attempt = 0; ; attempt++) {
            StoredObject old = storage.get(type, namespace, name).orElseThrow(() -> ApiException.notFound(type, name));
            ObjectNode object = old.object().deepCopy();
            checkPreconditions(type, name, object, options);
            long grace = options.gracePeriodSeconds() != null ? Math.max(0, options.gracePeriodSeconds())
                    : strategy.defaultGracePeriodSeconds(object);
            DeleteOptions.Propagation propagation = options.propagation() != null ? options.propagation()
                    : DeleteOptions.Propagation.BACKGROUND;
            try {
                if (propagation == DeleteOptions.Propagation.FOREGROUND) {
                    Meta.removeFinalizer(object, Finalizers.ORPHAN);
                    Meta.addFinalizer(object, Finalizers.FOREGROUND);
                } else if (propagation == DeleteOptions.Propagation.ORPHAN) {
                    Meta.removeFinalizer(object, Finalizers.FOREGROUND);
                    Meta.addFinalizer(object, Finalizers.ORPHAN);
                }
                boolean graceful = strategy.gracefulDeletionNeeded(object, grace);
                if (!Meta.hasFinalizers(object) && !graceful) {
                    if (!options.dryRun()) {
                        storage.delete(type, namespace, name, old.revision());
                        strategy.release(object);
                    }
                    return new DeleteResult(object, true);
                }
                ObjectNode meta = Meta.metadata(object);
                if (!Meta.deleting(object)) {
                    meta.put("deletionTimestamp", Clock.format(Instant.now().plusSeconds(graceful ? grace : 0)));
                    meta.put("deletionGracePeriodSeconds", graceful ? grace : 0);
                } else if ((graceful ? grace : 0) < meta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE)) {
                    // A shorter grace period may replace a longer one, never the reverse; zero lets the deletion
                    // complete as soon as no finalizer holds it.
                    long shorter = graceful ? grace : 0;
                    meta.put("deletionTimestamp", Clock.format(Instant.now().plusSeconds(shorter)));
                    meta.put("deletionGracePeriodSeconds", shorter);
                }
                strategy.prepareForUpdate(object, old.object());
                if (options.dryRun() || object.equals(old.object())) {
                    return new DeleteResult(object, false);
                }
                return new DeleteResult(storage.update(type, object, old.revision()), false);
            } catch (ApiException e) {
                if (e.code() != 409 || !"Conflict".equals(e.reason()) || attempt >= MAX_PATCH_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether a pending deletion may complete once no finalizer holds it (Kubernetes' ShouldDeleteDuringUpdate):
     * only when the kind's strategy needs no grace with the grace period the deletion was given. A pod deleted
     * gracefully waits for its node to stop it and delete it with grace 0; an ordinary update, a status report
     * or a controller marking it not ready, must not end it early, or its replacement could start while it still
     * runs. A namespace waits for its own spec.finalizers instead.
     */
    private static boolean graceOver(ResourceStrategy strategy, ObjectNode object) {
        return !strategy.gracefulDeletionNeeded(object, Meta.metadata(object).path("deletionGracePeriodSeconds").asLong(0));
    }

    /** The outcome of a delete: the object, and whether it is gone already or its deletion is pending. */
    public record DeleteResult(ObjectNode object, boolean gone) {
    }

    private static void checkPreconditions(ResourceType type, String name, ObjectNode object, DeleteOptions options) {
        if (options.preconditionUid() != null && !options.preconditionUid().equals(Meta.uid(object))) {
            throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: "
                    + options.preconditionUid() + ", UID in object meta: " + Meta.uid(object));
        }
        if (options.preconditionVersion() != null
                && !options.preconditionVersion().equals(Meta.metadata(object).path("resourceVersion").asText())) {
            throw ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
                    + options.preconditionVersion() + ", ResourceVersion in object meta: "
                    + Meta.metadata(object).path("resourceVersion").asText());
        }
    }

    /** Deletes every object of a list; returns those deleted or pending deletion. */
    public List<ObjectNode> deleteCollection(ResourceType type, String namespace, ListOptions listOptions,
                                             DeleteOptions deleteOptions) {
        List<ObjectNode> deleted = new ArrayList<>();
        for (ObjectNode o : list(type, namespace, listOptions).items()) {
            try {
                deleted.add(delete(type, Meta.namespace(o), Meta.name(o), deleteOptions).object());
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        return deleted;
    }

    /**
     * Removes a finalizer; if the object is being deleted and that was the last one, the deletion completes.
     * Used by the controllers that own the API machinery's finalizers.
     */
    public void removeFinalizer(ResourceType type, String namespace, String name, String finalizer) {
        ResourceStrategy strategy = strategy(type);
        for (int attempt = 0; attempt < MAX_PATCH_ATTEMPTS; attempt++) {
            Optional<StoredObject> current = storage.get(type, namespace, name);
            if (current.isEmpty() || !Meta.hasFinalizer(current.get().object(), finalizer)) {
                return;
            }
            ObjectNode object = current.get().object().deepCopy();
            Meta.removeFinalizer(object, finalizer);
            try {
                if (Meta.deleting(object) && !Meta.hasFinalizers(object) && graceOver(strategy, object)) {
                    storage.delete(type, namespace, name, current.get().revision());
                    strategy.release(object);
                } else {
                    storage.update(type, object, current.get().revision());
                }
                return;
            } catch (ApiException e) {
                if (e.code() != 409 && e.code() != 404) {
                    throw e;
                }
            }
        }
    }

    // ---- checks ----

    private static void checkTypeMeta(ResourceType type, ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        if (kind.isEmpty()) {
            throw ApiException.badRequest("Object 'Kind' is missing in the request body");
        }
        if (apiVersion.isEmpty()) {
            throw ApiException.badRequest("Object 'apiVersion' is missing in the request body");
        }
        if (!apiVersion.equals(type.apiVersion()) || !kind.equals(type.kind())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion + ") and kind (" + kind
                    + ") do not match the expected API version (" + type.apiVersion() + ") and kind ("
                    + type.kind() + ") of " + type.groupResource());
        }
        if (!object.path("metadata").isObject() && object.has("metadata")) {
            throw ApiException.badRequest("metadata must be an object");
        }
    }

    private static void scopeNamespace(ResourceType type, String namespace, ObjectNode object) {
        ObjectNode meta = Meta.metadata(object);
        if (!type.namespaced()) {
            meta.remove("namespace");
            return;
        }
        String inBody = meta.path("namespace").asText("");
        if (!inBody.isEmpty() && !inBody.equals(namespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
        meta.put("namespace", namespace);
    }

    private void checkUnknownFields(ResourceType type, ObjectNode object, WriteOptions options) {
        if (options.fieldValidation() == WriteOptions.FieldValidation.IGNORE) {
            unknownFields.prune(object, type.modelClass());
            return;
        }
        List<String> unknown = unknownFields.find(object, type.modelClass());
        if (unknown.isEmpty()) {
            return;
        }
        if (options.fieldValidation() == WriteOptions.FieldValidation.STRICT) {
            String detail = unknown.size() == 1 ? unknown.get(0) : String.join(", ", unknown);
            throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
                    + type.kind() + ": strict decoding error: " + detail);
        }
        options.warnings().addAll(unknown);
        unknownFields.prune(object, type.modelClass());
    }
}
