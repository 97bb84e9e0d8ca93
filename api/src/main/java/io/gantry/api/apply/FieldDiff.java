package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.patch.ListStrategy;
import io.gantry.api.patch.Nodes;
import io.gantry.api.patch.Schema;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The changed and removed paths between two versions of an object, found in one walk over both: equal subtrees
 * are skipped at once and no map of every path is built. It answers exactly what comparing the two path maps of
 * {@link ObjectFields#of} answers; the rare shapes it does not take on (a keyed list with a repeated key,
 * metadata that is not an object) it leaves to that comparison by answering false.
 */
final class FieldDiff {
    enum Shape { LEAF, STRUCT, MAP, SET, KEYED }

    static final Set<String> TOP_LEVEL_SKIPPED = Set.of("apiVersion", "kind", "metadata");

    private final List<FieldPath> changed;
    private final List<FieldPath> removed;

    private FieldDiff(List<FieldPath> changed, List<FieldPath> removed) {
        this.changed = changed;
        this.removed = removed;
    }

    /**
     * Adds to {@code changed} and {@code removed} what differs between the objects; false (with the lists in an
     * unspecified state) when the objects need the comparison of whole path maps.
     */
    static boolean compare(ObjectNode oldObject, ObjectNode newObject, Class<?> modelClass, List<FieldPath> changed,
                           List<FieldPath> removed) {
        JsonNode oldMeta = oldObject.get("metadata");
        JsonNode newMeta = newObject.get("metadata");
        if (oldMeta != null && !oldMeta.isObject() || newMeta != null && !newMeta.isObject()) {
            return false;
        }
        try {
            new FieldDiff(changed, removed).top(oldObject, newObject, Schema.of(modelClass));
            return true;
        } catch (RepeatedKey e) {
            return false;
        }
    }

    /** A keyed list names one key twice: the path maps decide what that means. */
    static final class RepeatedKey extends RuntimeException {
        RepeatedKey() {
            super(null, null, false, false);
        }
    }

    private void top(ObjectNode oldObject, ObjectNode newObject, Schema schema) {
        Schema.Field metadata = schema.field("metadata");
        metadata(oldObject.path("metadata"), newObject.path("metadata"), metadata.schema(),
                FieldPath.ROOT.field("metadata"));
        fields(oldObject, newObject, schema, FieldPath.ROOT, TOP_LEVEL_SKIPPED);
    }

    /** Metadata is a path of its own only while it holds a field someone can own (see ObjectFields). */
    private void metadata(JsonNode before, JsonNode after, Schema schema, FieldPath path) {
        if (tracks(before) && !tracks(after)) {
            removed.add(path);
        }
        fields(before, after, schema, path, ObjectFields.UNTRACKED_METADATA);
    }

    static boolean tracks(JsonNode metadata) {
        for (Map.Entry<String, JsonNode> e : metadata.properties()) {
            if (!ObjectFields.UNTRACKED_METADATA.contains(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    static Shape shape(JsonNode value, Schema schema, Optional<ListStrategy> strategy) {
        if (value.isObject() && !value.isEmpty()) {
            return schema instanceof Schema.Bean ? Shape.STRUCT : Shape.MAP;
        }
        if (value.isArray() && !value.isEmpty() && strategy.map(ListStrategy::merges).orElse(false)) {
            String mergeKey = strategy.get().mergeKey();
            if (mergeKey == null && ObjectFields.allScalars(value)) {
                return Shape.SET;
            }
            if (mergeKey != null && ObjectFields.allKeyed(value, mergeKey)) {
                return Shape.KEYED;
            }
        }
        return Shape.LEAF;
    }

    /** A value at a path present in both versions. */
    private void diff(JsonNode before, JsonNode after, Schema schema, Optional<ListStrategy> strategy,
                      FieldPath path) {
        if (before.equals(after)) {
            return;
        }
        Shape was = shape(before, schema, strategy);
        Shape is = shape(after, schema, strategy);
        if (is == Shape.LEAF && (was != Shape.LEAF || !Nodes.same(before, after))) {
            changed.add(path);
        }
        if (was == is && (is == Shape.STRUCT || is == Shape.MAP)) {
            fields(before, after, schema, path);
        } else if (was == is && is == Shape.SET) {
            Map<PathElement, JsonNode> old = values(before);
            Map<PathElement, JsonNode> now = values(after);
            now.keySet().forEach(v -> {
                if (!old.containsKey(v)) {
                    changed.add(path.child(v));
                }
            });
            old.keySet().forEach(v -> {
                if (!now.containsKey(v)) {
                    removed.add(path.child(v));
                }
            });
        } else if (was == is && is == Shape.KEYED) {
            String mergeKey = strategy.get().mergeKey();
            Map<PathElement, JsonNode> old = items(before, mergeKey);
            Map<PathElement, JsonNode> now = items(after, mergeKey);
            Schema element = schema.element();
            now.forEach((key, item) -> {
                JsonNode oldItem = old.get(key);
                if (oldItem == null) {
                    addedItem(item, element, path.child(key));
                } else if (!oldItem.equals(item)) {
                    fields(oldItem, item, element, path.child(key));
                }
            });
            old.forEach((key, item) -> {
                if (!now.containsKey(key)) {
                    goneItem(item, element, path.child(key));
                }
            });
        } else {
            // different shapes have no child path in common: all of the old ones go, all of the new ones come
            below(before, was, schema, strategy, path, false);
            below(after, is, schema, strategy, path, true);
        }
    }

    /** The fields of two objects walked field by field (struct or map contents, keyed-list items). */
    private void fields(JsonNode before, JsonNode after, Schema schema, FieldPath path) {
        fields(before, after, schema, path, Set.of());
    }

    /**
     * Like {@link #fields(JsonNode, JsonNode, Schema, FieldPath)}, leaving out the {@code skipped} names; either
     * side may be missing (a {@link MissingNode}): then all of the other side's fields come or go.
     */
    private void fields(JsonNode before, JsonNode after, Schema schema, FieldPath path, Set<String> skipped) {
        for (Map.Entry<String, JsonNode> e : after.properties()) {
            if (skipped.contains(e.getKey())) {
                continue;
            }
            Schema.Field field = schema.field(e.getKey());
            JsonNode old = before.get(e.getKey());
            if (old == null) {
                added(e.getValue(), field.schema(), field.strategy(), path.field(e.getKey()));
            } else {
                diff(old, e.getValue(), field.schema(), field.strategy(), path.field(e.getKey()));
            }
        }
        for (Map.Entry<String, JsonNode> e : before.properties()) {
            if (!skipped.contains(e.getKey()) && !after.has(e.getKey())) {
                Schema.Field field = schema.field(e.getKey());
                gone(e.getValue(), field.schema(), field.strategy(), path.field(e.getKey()));
            }
        }
    }

    /** A value new at {@code path}: every path in it but pure containers counts as changed. */
    private void added(JsonNode value, Schema schema, Optional<ListStrategy> strategy, FieldPath path) {
        Shape shape = shape(value, schema, strategy);
        if (shape != Shape.STRUCT && shape != Shape.SET && shape != Shape.KEYED) {
            changed.add(path);
        }
        below(value, shape, schema, strategy, path, true);
    }

    /** A value gone from {@code path}: every path in it is removed. */
    private void gone(JsonNode value, Schema schema, Optional<ListStrategy> strategy, FieldPath path) {
        removed.add(path);
        below(value, shape(value, schema, strategy), schema, strategy, path, false);
    }

    private void addedItem(JsonNode item, Schema element, FieldPath itemPath) {
        changed.add(itemPath);
        fields(MissingNode.getInstance(), item, element, itemPath);
    }

    private void goneItem(JsonNode item, Schema element, FieldPath itemPath) {
        removed.add(itemPath);
        fields(item, MissingNode.getInstance(), element, itemPath);
    }

    /** Every path strictly below {@code path}, as added or as removed. */
    private void below(JsonNode value, Shape shape, Schema schema, Optional<ListStrategy> strategy, FieldPath path,
                       boolean isNew) {
        switch (shape) {
            case STRUCT, MAP -> fields(isNew ? MissingNode.getInstance() : value,
                    isNew ? value : MissingNode.getInstance(), schema, path);
            case SET -> values(value).keySet().forEach(v -> (isNew ? changed : removed).add(path.child(v)));
            case KEYED -> items(value, strategy.get().mergeKey()).forEach((key, item) -> {
                if (isNew) {
                    addedItem(item, schema.element(), path.child(key));
                } else {
                    goneItem(item, schema.element(), path.child(key));
                }
            });
            case LEAF -> { }
        }
    }

    private static Map<PathElement, JsonNode> values(JsonNode list) {
        Map<PathElement, JsonNode> out = new HashMap<>();
        for (JsonNode item : list) {
            out.put(new PathElement.Value(item), item);
        }
        return out;
    }

    private static Map<PathElement, JsonNode> items(JsonNode list, String mergeKey) {
        Map<PathElement, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode item : list) {
            if (out.put(PathElement.Key.of(mergeKey, item.get(mergeKey)), item) != null) {
                throw new RepeatedKey();
            }
        }
        return out;
    }
}
