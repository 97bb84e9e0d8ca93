package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.RawJson;
import io.gantry.api.Rfc3339;
import io.gantry.api.SameContent;
import io.gantry.api.patch.Nodes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads, writes and maintains {@code metadata.managedFields}: which manager owns which fields of an object.
 */
public final class ManagedFields {
    /** Kubernetes' order: Apply before Update, then oldest first, then by name, version and subresource. */
    private static final Comparator<ManagedFieldsEntry> ORDER = Comparator
            .comparing((ManagedFieldsEntry e) -> e.operation().text())
            .thenComparing(e -> e.time() == null ? "" : e.time())
            .thenComparing(ManagedFieldsEntry::manager)
            .thenComparing(ManagedFieldsEntry::apiVersion)
            .thenComparing(ManagedFieldsEntry::subresource);

    private ManagedFields() {
    }

    /** The entries of an object; none when it has none or they are not valid. */
    public static List<ManagedFieldsEntry> read(ObjectNode object) {
        JsonNode list = object == null ? null : object.path("metadata").get("managedFields");
        return parse(list).orElse(List.of());
    }

    /**
     * Parses a {@code managedFields} list, or empty when it is absent or not valid: every entry needs a manager,
     * an operation of Apply or Update, fieldsType FieldsV1 and well-formed fieldsV1.
     */
    public static Optional<List<ManagedFieldsEntry>> parse(JsonNode list) {
        return parse(list, FieldSet::fromJson);
    }

    private static Optional<List<ManagedFieldsEntry>> parse(JsonNode managedFields,
                                                            Function<JsonNode, FieldSet> fields) {
        JsonNode list = tree(managedFields);
        if (list == null || !list.isArray()) {
            return Optional.empty();
        }
        List<ManagedFieldsEntry> entries = new ArrayList<>();
        try {
            for (JsonNode e : list) {
                if (!e.isObject() || !e.path("manager").isTextual()
                        || !"FieldsV1".equals(e.path("fieldsType").asText(null))) {
                    return Optional.empty();
                }
                ManagedFieldsEntry entry = new ManagedFieldsEntry(e.get("manager").asText(),
                        ManagedFieldsEntry.Operation.parse(e.path("operation").asText()),
                        e.path("apiVersion").asText(""), e.hasNonNull("time") ? e.get("time").asText() : null,
                        e.path("subresource").asText(""), fields.apply(e.get("fieldsV1")));
                for (ManagedFieldsEntry other : entries) {
                    if (other.sameWriter(entry)) {
                        return Optional.empty();
                    }
                }
                entries.add(entry);
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(entries);
    }

    /**
     * The list as a tree: the watch cache keeps a whole managedFields list as raw JSON, and a caller that starts
     * from such a copy must not have it read as no list at all.
     */
    private static JsonNode tree(JsonNode managedFields) {
        return managedFields != null && RawJson.isRaw(managedFields) ? RawJson.parse(managedFields) : managedFields;
    }

    /** Whether a client-sent list asks to clear managedFields: {@code []} or {@code [{}]}, as in Kubernetes. */
    public static boolean isReset(JsonNode list) {
        return list != null && list.isArray()
                && (list.isEmpty() || list.size() == 1 && list.get(0).isObject() && list.get(0).isEmpty());
    }

    /** Stores {@code entries} (without empty ones, in Kubernetes' order) as the object's managedFields. */
    public static void write(ObjectNode object, List<ManagedFieldsEntry> entries) {
        ObjectNode meta = object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
        List<ManagedFieldsEntry> kept = new ArrayList<>(entries.stream().filter(e -> !e.fields().isEmpty()).toList());
        if (kept.isEmpty()) {
            meta.remove("managedFields");
            return;
        }
        kept.sort(ORDER);
        ArrayNode list = meta.putArray("managedFields");
        for (ManagedFieldsEntry e : kept) {
            ObjectNode n = list.addObject();
            n.put("manager", e.manager());
            n.put("operation", e.operation().text());
            n.put("apiVersion", e.apiVersion());
            if (e.time() != null) {
                n.put("time", e.time());
            }
            n.put("fieldsType", "FieldsV1");
            // as bytes: the write encodes them next, and nothing reads them before
            n.set("fieldsV1", e.fields().toRawJson());
            if (!e.subresource().isEmpty()) {
                n.put("subresource", e.subresource());
            }
        }
    }

    /**
     * Records a write other than an apply (create, update, non-apply patch): the fields that changed between
     * {@code oldObject} and {@code newObject} become owned by {@code manager} (operation Update) and are taken from
     * every other manager; fields that disappeared are owned by nobody; managers left with nothing are dropped.
     *
     * <p>The entries to start from are the old object's, except that a client may replace them by sending a valid
     * list in {@code newObject} (or clear them with {@code []}); anything else it sends there is ignored, and on a
     * subresource the old entries always win.
     *
     * @param oldObject   the stored object, or null on create
     * @param newObject   the object about to be stored; its managedFields are rewritten in place
     * @param subresource "" for the main resource, or e.g. "status"
     * @return {@code newObject}
     */
    public static ObjectNode recordUpdate(ObjectNode oldObject, ObjectNode newObject, String manager,
                                          String subresource, Instant now, Class<?> modelClass) {
        return recordUpdate(oldObject, newObject, manager, subresource, now, modelClass, Set.of());
    }

    /**
     * Like {@link #recordUpdate(ObjectNode, ObjectNode, String, String, Instant, Class)}, where the write owns
     * none of the top-level fields in {@code resetFields}: what Kubernetes' strategies call reset fields, the
     * ones their endpoint overwrites whatever the client sent (a pod's {@code status} on the main resource, set
     * by the server on create and kept on update), so that nobody comes to own them by writing there.
     */
    public static ObjectNode recordUpdate(ObjectNode oldObject, ObjectNode newObject, String manager,
                                          String subresource, Instant now, Class<?> modelClass,
                                          Set<String> resetFields) {
        JsonNode stored = oldObject == null ? null : tree(oldObject.path("metadata").get("managedFields"));
        JsonNode sent = tree(newObject.path("metadata").get("managedFields"));
        boolean sentAsStored = stored != null && SameContent.of(stored, sent);
        boolean keepsStored = keepsStoredEntries(stored, sent, sentAsStored, subresource);
        List<ManagedFieldsEntry> entries = new ArrayList<>(keepsStored ? readStored(stored)
                : startingEntries(oldObject, newObject, subresource));
        Comparison diff = oldObject == null ? created(withoutFields(newObject, resetFields), modelClass)
                : compare(withoutFields(oldObject, resetFields), withoutFields(newObject, resetFields), modelClass);
        boolean changed = !keepsStored || entries.isEmpty();
        ManagedFieldsEntry mine = null;
        for (int i = 0; i < entries.size(); i++) {
            ManagedFieldsEntry e = entries.get(i);
            if (e.sameWriter(manager, ManagedFieldsEntry.Operation.UPDATE, subresource)) {
                mine = e;
                continue;
            }
            FieldSet left = e.fields().difference(diff.changed()).difference(diff.removed());
            if (!left.equals(e.fields())) {
                entries.set(i, e.withFields(left, e.time()));
                changed = true;
            }
        }
        FieldSet owned = (mine == null ? FieldSet.empty() : mine.fields()).difference(diff.removed())
                .union(diff.changed());
        if (mine == null) {
            if (!owned.isEmpty()) {
                entries.add(new ManagedFieldsEntry(manager, ManagedFieldsEntry.Operation.UPDATE,
                        newObject.path("apiVersion").asText(""), format(now), subresource, owned));
                changed = true;
            }
        } else if (!owned.equals(mine.fields())) {
            entries.set(entries.indexOf(mine), mine.withFields(owned, format(now)));
            changed = true;
        }
        if (changed) {
            write(newObject, entries);
        } else if (!sentAsStored) {
            // nobody's fields moved (a heartbeat, a status report repeating what its writer owns): the stored
            // entries stand as they were
            ObjectNode meta = newObject.get("metadata") instanceof ObjectNode m ? m : newObject.putObject("metadata");
            meta.set("managedFields", stored.deepCopy());
        }
        return newObject;
    }

    /** A shallow copy of {@code object} without {@code fields}, or the object itself when it has none of them. */
    private static ObjectNode withoutFields(ObjectNode object, Set<String> fields) {
        if (object == null || !hasAny(object, fields)) {
            return object;
        }
        ObjectNode view = Json.object();
        object.properties().forEach(e -> {
            if (!fields.contains(e.getKey())) {
                view.set(e.getKey(), e.getValue());
            }
        });
        return view;
    }

    /** A loop, not a stream: every write asks this. */
    private static boolean hasAny(ObjectNode object, Set<String> fields) {
        for (String field : fields) {
            if (object.has(field)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a write starts from the stored entries as they are: on a subresource, or when the client sent them
     * back unchanged (a patch that did not touch them, an update of what it read) or sent none (an in-process
     * controller's update of its informer's copy, which leaves them out).
     */
    private static boolean keepsStoredEntries(JsonNode stored, JsonNode sent, boolean sentAsStored,
                                              String subresource) {
        if (stored == null || !stored.isArray() || stored.isEmpty()) {
            return false;
        }
        return subresource != null && !subresource.isEmpty() || sentAsStored || sent == null;
    }

    /**
     * A stored object's entries, with their field sets read lazily ({@link FieldSet#fromStoredJson}): this server
     * wrote them, and most survive a write untouched. Invalid entries make the whole list empty, as {@link #read}.
     */
    private static List<ManagedFieldsEntry> readStored(JsonNode list) {
        return parse(list, FieldSet::fromStoredJson).orElse(List.of());
    }

    private static List<ManagedFieldsEntry> startingEntries(ObjectNode oldObject, ObjectNode newObject,
                                                            String subresource) {
        JsonNode sent = newObject.path("metadata").get("managedFields");
        if (subresource == null || subresource.isEmpty()) {
            if (isReset(sent)) {
                return List.of();
            }
            Optional<List<ManagedFieldsEntry>> parsed = parse(sent);
            if (parsed.isPresent() && !parsed.get().isEmpty()) {
                return parsed.get();
            }
        }
        return read(oldObject);
    }

    /** What changed from one version of an object to the next, as field sets. */
    public record Comparison(FieldSet changed, FieldSet removed) {
    }

    /**
     * Compares two versions of an object. {@code changed} holds the leaves whose values differ or are new, and the
     * keyed-list items and map-typed values that are new (so that their owner owns them as a whole, as Kubernetes
     * records them with {@code "."}); {@code removed} holds every path that is gone.
     *
     * @param oldObject null for an object that did not exist
     */
    public static Comparison compare(ObjectNode oldObject, ObjectNode newObject, Class<?> modelClass) {
        List<FieldPath> changed = new ArrayList<>();
        List<FieldPath> removed = new ArrayList<>();
        if (FieldDiff.compare(oldObject == null ? Json.object() : oldObject, newObject, modelClass, changed, removed)) {
            return new Comparison(FieldSet.of(changed), FieldSet.of(removed));
        }
        return compareAllPaths(oldObject, newObject, modelClass);
    }

    /** {@link #compare} of nothing with a new object, its changed fields read lazily from their rendering. */
    static Comparison created(ObjectNode object, Class<?> modelClass) {
        JsonNode fieldsV1 = CreatedFields.of(object, modelClass);
        return fieldsV1 == null ? compare(null, object, modelClass)
                : new Comparison(FieldSet.fromStoredJson(fieldsV1), FieldSet.empty());
    }

    /** {@link #compare} by building both objects' maps of every path: the definition {@link FieldDiff} follows. */
    static Comparison compareAllPaths(ObjectNode oldObject, ObjectNode newObject, Class<?> modelClass) {
        if (oldObject != null) {
            // Parts equal in both versions hold no change and no removal; leaving them out spares walking, say,
            // a pod's whole spec when only its status was written.
            ObjectNode oldChanged = Json.object();
            ObjectNode newChanged = Json.object();
            keepDifferences(oldObject, newObject, oldChanged, newChanged);
            oldObject = oldChanged;
            newObject = newChanged;
        }
        Map<FieldPath, ObjectFields.Node> before = ObjectFields.of(oldObject, modelClass);
        Map<FieldPath, ObjectFields.Node> after = ObjectFields.of(newObject, modelClass);
        List<FieldPath> changed = new ArrayList<>();
        after.forEach((path, node) -> {
            ObjectFields.Node old = before.get(path);
            boolean changedHere = old == null
                    ? node.kind() != ObjectFields.Kind.INNER
                    : node.kind() == ObjectFields.Kind.LEAF
                      && (old.kind() != ObjectFields.Kind.LEAF || !Nodes.same(old.value(), node.value()));
            if (changedHere) {
                changed.add(path);
            }
        });
        List<FieldPath> removed = before.keySet().stream().filter(p -> !after.containsKey(p)).toList();
        return new Comparison(FieldSet.of(changed), FieldSet.of(removed));
    }

    /**
     * Copies into {@code oldOut} and {@code newOut} the fields of two objects that differ, recursing into objects
     * present in both (never into lists, whose items the walk identifies by position or key). The copies share
     * subtrees with the originals and are only read.
     */
    private static void keepDifferences(ObjectNode oldObject, ObjectNode newObject, ObjectNode oldOut,
                                        ObjectNode newOut) {
        for (Map.Entry<String, JsonNode> field : oldObject.properties()) {
            JsonNode before = field.getValue();
            JsonNode after = newObject.get(field.getKey());
            if (after == null) {
                oldOut.set(field.getKey(), before);
            } else if (before.isObject() && after.isObject()) {
                ObjectNode oldChild = Json.object();
                ObjectNode newChild = Json.object();
                keepDifferences((ObjectNode) before, (ObjectNode) after, oldChild, newChild);
                if (oldChild.isEmpty() != before.isEmpty() || newChild.isEmpty() != after.isEmpty()) {
                    // an empty object is a leaf of its own to the walk: keep both whole so it sees their real shape
                    oldOut.set(field.getKey(), before);
                    newOut.set(field.getKey(), after);
                } else if (!oldChild.isEmpty() || !newChild.isEmpty()) {
                    oldOut.set(field.getKey(), oldChild);
                    newOut.set(field.getKey(), newChild);
                }
            } else if (!before.equals(after)) {
                oldOut.set(field.getKey(), before);
                newOut.set(field.getKey(), after);
            }
        }
        for (Map.Entry<String, JsonNode> field : newObject.properties()) {
            if (!oldObject.has(field.getKey())) {
                newOut.set(field.getKey(), field.getValue());
            }
        }
    }

    static String format(Instant now) {
        return Rfc3339.seconds(now);
    }
}
