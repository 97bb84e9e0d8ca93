package io.gantry.api.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.RawJson;
import io.gantry.api.patch.ListStrategy;
import io.gantry.api.patch.Schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fieldsV1 of a new object's creator: every path {@link FieldDiff} finds changed between nothing and the
 * object, rendered straight from a walk of it. Every create records this (three per pod: the pod and two
 * events), and building each path, sorting them and rendering the sorted run cost more than the rest of the
 * create's field tracking; here each level's keys are sorted once and written as the walk returns.
 */
final class CreatedFields {
    /** One level of the rendering: whether its path is a member itself, and its children in Kubernetes' order. */
    private static final class Level {
        boolean member;
        final TreeMap<PathElement, Level> children = new TreeMap<>();

        Level child(PathElement element) {
            return children.computeIfAbsent(element, e -> new Level());
        }
    }

    private CreatedFields() {
    }

    /**
     * The creator's fieldsV1 as raw JSON, or null where {@link ManagedFields#compare} has to decide (metadata that
     * is not an object, a keyed list naming one key twice).
     */
    static JsonNode of(ObjectNode object, Class<?> modelClass) {
        JsonNode meta = object.get("metadata");
        if (meta != null && !meta.isObject()) {
            return null;
        }
        Level root = new Level();
        try {
            Schema schema = Schema.of(modelClass);
            if (meta != null && FieldDiff.tracks(meta)) {
                fields(root.child(new PathElement.Field("metadata")), meta, schema.field("metadata").schema(),
                        ObjectFields.UNTRACKED_METADATA);
            }
            fields(root, object, schema, FieldDiff.TOP_LEVEL_SKIPPED);
        } catch (FieldDiff.RepeatedKey e) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = Json.MAPPER.getFactory().createGenerator(bytes)) {
            write(root, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return RawJson.node(bytes.toByteArray());
    }

    private static void fields(Level level, JsonNode object, Schema schema, Set<String> skipped) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (!skipped.contains(e.getKey())) {
                Schema.Field field = schema.field(e.getKey());
                added(level.child(new PathElement.Field(e.getKey())), e.getValue(), field.schema(), field.strategy());
            }
        }
    }

    /** As FieldDiff's: every path in a new value but pure containers is a member. */
    private static void added(Level level, JsonNode value, Schema schema, Optional<ListStrategy> strategy) {
        FieldDiff.Shape shape = FieldDiff.shape(value, schema, strategy);
        if (shape != FieldDiff.Shape.STRUCT && shape != FieldDiff.Shape.SET && shape != FieldDiff.Shape.KEYED) {
            level.member = true;
        }
        switch (shape) {
            case STRUCT, MAP -> fields(level, value, schema, Set.of());
            case SET -> {
                for (JsonNode item : value) {
                    level.child(new PathElement.Value(item)).member = true;
                }
            }
            case KEYED -> {
                String mergeKey = strategy.orElseThrow().mergeKey();
                for (JsonNode item : value) {
                    PathElement key = PathElement.Key.of(mergeKey, item.get(mergeKey));
                    if (level.children.containsKey(key)) {
                        throw new FieldDiff.RepeatedKey();
                    }
                    Level itemLevel = level.child(key);
                    itemLevel.member = true;
                    fields(itemLevel, item, schema.element(), Set.of());
                }
            }
            case LEAF -> { }
        }
    }

    private static void write(Level level, JsonGenerator out) throws IOException {
        out.writeStartObject();
        if (level.member && !level.children.isEmpty()) {
            out.writeFieldName(".");
            out.writeStartObject();
            out.writeEndObject();
        }
        for (Map.Entry<PathElement, Level> child : level.children.entrySet()) {
            out.writeFieldName(child.getKey().fieldsV1Key());
            write(child.getValue(), out);
        }
        out.writeEndObject();
    }
}
