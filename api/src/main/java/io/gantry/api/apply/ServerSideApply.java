package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.patch.ApplyMerge;
import io.gantry.api.patch.Nodes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Server-side apply with field ownership, following the semantics of Kubernetes' structured-merge-diff:
 * the applied configuration is merged into the live object, fields the manager applied before and dropped now are
 * removed unless someone else owns them, changes to fields other managers own are conflicts, and the manager's
 * Apply entry in {@code metadata.managedFields} becomes exactly the set of fields it applied.
 */
public final class ServerSideApply {
    private ServerSideApply() {
    }

    /**
     * Applies {@code applied} on behalf of {@code manager}.
     *
     * @param live    the stored object, or null when it does not exist yet
     * @param applied the applied configuration; must not carry managedFields
     * @param force   take over conflicting fields instead of failing
     * @return the new object, with its managedFields updated; neither argument is modified
     * @throws ApplyConflictException when {@code force} is false and other managers own fields whose values change
     * @throws IllegalArgumentException when the configuration sets {@code metadata.managedFields}
     */
    public static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, boolean force,
                                   Class<?> modelClass, Instant now) {
        return apply(live, applied, manager, "", force, modelClass, now);
    }

    /**
     * Applies through a subresource: as {@link #apply(ObjectNode, ObjectNode, String, boolean, Class, Instant)},
     * with the manager's Apply entry recorded for {@code subresource} ("" for the main resource). The caller limits
     * {@code applied} to what the subresource may change.
     */
    public static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, String subresource,
                                   boolean force, Class<?> modelClass, Instant now) {
        Objects.requireNonNull(applied, "applied");
        String sub = subresource == null ? "" : subresource;
        Objects.requireNonNull(manager, "manager");
        if (applied.path("metadata").has("managedFields")) {
            throw new IllegalArgumentException("metadata.managedFields must be nil");
        }
        ObjectNode base = live == null ? Json.object() : live;
        List<ManagedFieldsEntry> entries = new ArrayList<>(ManagedFields.read(base));
        FieldSet config = FieldSet.ofObject(applied, modelClass);
        String apiVersion = applied.path("apiVersion").asText(base.path("apiVersion").asText(""));

        ManagedFieldsEntry previous = null;
        for (ManagedFieldsEntry e : entries) {
            if (e.sameWriter(manager, ManagedFieldsEntry.Operation.APPLY, sub)) {
                previous = e;
            }
        }
        FieldSet lastApplied = previous == null ? FieldSet.empty() : previous.fields();
        String time = previous != null && previous.fields().equals(config) ? previous.time() : ManagedFields.format(now);
        ManagedFieldsEntry mine = new ManagedFieldsEntry(manager, ManagedFieldsEntry.Operation.APPLY, apiVersion,
                time, sub, config);
        if (previous != null) {
            entries.remove(previous);
        }
        entries.add(mine);

        ObjectNode merged = ApplyMerge.apply(base, applied, modelClass);
        prune(merged, lastApplied.difference(config), entries);

        ManagedFields.Comparison diff = ManagedFields.compare(live, merged, modelClass);
        List<Conflict> conflicts = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ManagedFieldsEntry e = entries.get(i);
            if (e == mine) {
                continue;
            }
            FieldSet contested = e.fields().intersection(diff.changed());
            contested.paths().forEach(p -> conflicts.add(new Conflict(e.describe(), p)));
            FieldSet left = e.fields().difference(contested).difference(diff.removed());
            if (!left.equals(e.fields())) {
                entries.set(i, e.withFields(left, e.time()));
            }
        }
        if (!conflicts.isEmpty() && !force) {
            throw new ApplyConflictException(conflicts);
        }
        ManagedFields.write(merged, entries);
        return merged;
    }

    /**
     * Removes the fields the manager stopped applying, unless some manager (itself included, through another
     * path) still owns them or something below them.
     */
    private static void prune(ObjectNode object, FieldSet dropped, List<ManagedFieldsEntry> entries) {
        // Parents come before their children: a removed list item takes its fields along, and the key that
        // finds it is still there when its turn comes.
        for (FieldPath path : dropped.paths()) {
            boolean owned = entries.stream().anyMatch(e -> e.fields().containsPrefixOf(path));
            if (!owned && !isKeyOfKeptItem(path, entries)) {
                remove(object, path);
            }
        }
    }

    /** The merge key of a list item stays as long as the item does. */
    private static boolean isKeyOfKeptItem(FieldPath path, List<ManagedFieldsEntry> entries) {
        if (path.elements().size() < 2 || !(path.last() instanceof PathElement.Field field)
                || !(path.parent().last() instanceof PathElement.Key key) || !key.fields().containsKey(field.name())) {
            return false;
        }
        FieldPath item = path.parent();
        return entries.stream().anyMatch(e -> e.fields().containsPrefixOf(item));
    }

    /** Removes the value at {@code path}, then every object or list that removal left empty. */
    static void remove(ObjectNode root, FieldPath path) {
        List<JsonNode> chain = new ArrayList<>();
        JsonNode node = root;
        for (PathElement e : path.elements()) {
            chain.add(node);
            node = step(node, e);
            if (node == null) {
                return;
            }
        }
        for (int i = path.elements().size() - 1; i >= 0; i--) {
            JsonNode parent = chain.get(i);
            removeChild(parent, path.elements().get(i));
            if (i == 0 || !parent.isEmpty()) {
                return;
            }
        }
    }

    private static JsonNode step(JsonNode node, PathElement e) {
        return switch (e) {
            case PathElement.Field f -> node.isObject() ? node.get(f.name()) : null;
            case PathElement.Index i -> node.isArray() ? node.get(i.index()) : null;
            case PathElement.Key k -> node.isArray() ? at(node, indexOf((ArrayNode) node, e)) : null;
            case PathElement.Value v -> node.isArray() ? at(node, indexOf((ArrayNode) node, e)) : null;
        };
    }

    private static JsonNode at(JsonNode list, int index) {
        return index < 0 ? null : list.get(index);
    }

    private static void removeChild(JsonNode parent, PathElement e) {
        if (e instanceof PathElement.Field f && parent instanceof ObjectNode o) {
            o.remove(f.name());
        } else if (parent instanceof ArrayNode list) {
            int index = e instanceof PathElement.Index i ? i.index() : indexOf(list, e);
            if (index >= 0 && index < list.size()) {
                list.remove(index);
            }
        }
    }

    private static int indexOf(ArrayNode list, PathElement e) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            boolean match = switch (e) {
                case PathElement.Key k -> k.matches(item);
                case PathElement.Value v -> Nodes.same(item, v.value());
                default -> false;
            };
            if (match) {
                return i;
            }
        }
        return -1;
    }
}
