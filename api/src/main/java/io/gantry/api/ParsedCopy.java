package io.gantry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.ShortNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.math.BigInteger;
import java.util.Map;

/**
 * A copy of a JSON tree as parsing its JSON would give it, made without writing and parsing the JSON: about a
 * third of the work. Code builds numbers as it likes (a long 3 where a parse gives the int 3, and the two are not
 * equal), and everything that compares objects compares them as parsed, so a tree that came out of a write must
 * look parsed before anybody reads it.
 *
 * <p>Containers are copied; text, booleans, nulls and numbers are immutable and shared. Values whose parse this
 * does not reproduce exactly (floats, big decimals, binary data, numbers that are not finite, objects other than
 * raw JSON) make it give up: the caller writes and parses the tree then.
 */
public final class ParsedCopy {
    private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    /** What becomes of raw JSON in the tree ({@link RawJson}, or a {@link RawValue} of a String). */
    public enum Raw {
        /** it stays raw, shared with the original (the watch cache keeps managedFields so) */
        KEEP,
        /** it is parsed into a tree, as reading the JSON would */
        PARSE
    }

    private ParsedCopy() {
    }

    /** The parsed-looking copy of {@code tree}, or null when it holds a value this cannot reproduce exactly. */
    public static <T extends JsonNode> T of(T tree, Raw raw) {
        return of(tree, raw, null);
    }

    /** The same, its field names the canonical ones of {@code names} (when not null). */
    @SuppressWarnings("unchecked")
    public static <T extends JsonNode> T of(T tree, Raw raw, FieldNames names) {
        return (T) copy(tree, raw, names);
    }

    /**
     * The same for an object, except that a value at the top level, or one level below, that is the very node
     * {@code kept} has at that place stays that node, not copied: {@code kept} is a tree that already looks parsed,
     * with canonical names, and that nobody changes (the watch cache's), so a new version may share its unchanged
     * parts with it. Deeper values are not looked up in {@code kept}: a write that copied its object shares
     * nothing, and would pay for the lookups in every node.
     */
    public static ObjectNode of(ObjectNode tree, Raw raw, FieldNames names, ObjectNode kept) {
        return copyObject(tree, raw, names, kept, 1);
    }

    private static JsonNode copy(JsonNode node, Raw raw, FieldNames names) {
        return switch (node.getNodeType()) {
            case OBJECT -> copyObject((ObjectNode) node, raw, names, null, 0);
            case ARRAY -> copyArray((ArrayNode) node, raw, names);
            case STRING, BOOLEAN, NULL -> node;
            case NUMBER -> number(node);
            case POJO -> rawJson((POJONode) node, raw);
            case BINARY, MISSING -> null;
        };
    }

    /**
     * {@code kept}: null, or a tree whose nodes are taken as they are where {@code object} has them too, looked for
     * {@code keptLevels} levels below this one.
     */
    private static ObjectNode copyObject(ObjectNode object, Raw raw, FieldNames names, ObjectNode kept,
                                         int keptLevels) {
        // the copies are the watch cache's trees, kept while their objects live: compact ones, filled by appending,
        // as the source's field names are distinct
        int size = object.size();
        FieldMap compact = Json.isCompactSize(size) ? new FieldMap(size) : null;
        ObjectNode large = compact == null ? Json.compactObject(size) : null;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            JsonNode value = field.getValue();
            JsonNode keptValue = kept == null ? null : kept.get(field.getKey());
            if (value != keptValue) {
                value = keptLevels > 0 && value instanceof ObjectNode o && keptValue instanceof ObjectNode k
                        ? copyObject(o, raw, names, k, keptLevels - 1) : copy(value, raw, names);
                if (value == null) {
                    return null;
                }
            }
            String name = names == null ? field.getKey() : names.canonical(field.getKey());
            if (compact != null) {
                compact.append(name, value);
            } else {
                large.set(name, value);
            }
        }
        return compact != null ? new ObjectNode(Json.MAPPER.getNodeFactory(), compact) : large;
    }

    private static ArrayNode copyArray(ArrayNode array, Raw raw, FieldNames names) {
        ArrayNode copy = Json.MAPPER.createArrayNode();
        for (JsonNode item : array) {
            JsonNode value = copy(item, raw, names);
            if (value == null) {
                return null;
            }
            copy.add(value);
        }
        return copy;
    }

    /** A parse reads an integer as an int when it fits, else as a long, else as a big integer. */
    private static JsonNode number(JsonNode number) {
        if (number instanceof IntNode) {
            return number;
        }
        if (number instanceof ShortNode) {
            return IntNode.valueOf(number.intValue());
        }
        if (number instanceof LongNode) {
            long value = number.longValue();
            return value == (int) value ? IntNode.valueOf((int) value) : number;
        }
        if (number instanceof BigIntegerNode) {
            BigInteger value = number.bigIntegerValue();
            if (value.compareTo(MIN_LONG) < 0 || value.compareTo(MAX_LONG) > 0) {
                return number;
            }
            return number(LongNode.valueOf(value.longValue()));
        }
        if (number instanceof DoubleNode && Double.isFinite(number.doubleValue())) {
            return number;
        }
        return null;
    }

    private static JsonNode rawJson(POJONode node, Raw raw) {
        if (!RawJson.isRaw(node)) {
            return null;
        }
        return raw == Raw.KEEP ? node : RawJson.parse(node);
    }
}
