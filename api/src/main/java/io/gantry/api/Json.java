package io.gantry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;

/** Shared, immutable JSON and YAML mappers configured the way the Kubernetes API encodes objects. */
public final class Json {
    /**
     * Objects are stored and served as JSON trees; typed models are bound only where needed. Field names are not
     * interned or canonicalized: managedFields keys carry values ({@code k:{"ip":"10.1.0.7"}}, ...), so the
     * symbol table filled with names seen once, was thrown away when full and rebuilt on every parse, which made a
     * pod's parse ten times slower than without it.
     * <p>
     * Parsers and generators borrow their buffers from a pool shared by all threads. Jackson's default keeps them
     * per thread, which is no pool at all for virtual threads (one per request): every parse and every
     * serialization allocated about 20 KB of fresh buffers, most of what a small body costs.
     * <p>
     * Trees parsed or built through it share the nodes of short strings they have in common ({@link SharedTextNodes}).
     */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
            .build())
            .registerModule(new JavaTimeModule())
            .setNodeFactory(new SharedTextNodes())
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Objects of more fields than this are not made compact: a search through them would cost more than a hash. */
    private static final int COMPACT_FIELDS = 32;

    /**
     * An empty object with room for about {@code fields} fields, kept in arrays rather than a hash map
     * ({@link FieldMap}): a third of the memory for small objects, for trees built once and then kept and read (the
     * watch cache's). Changing it later works, but each lookup is a search through its fields; so an object of more
     * than {@value #COMPACT_FIELDS} fields (a ConfigMap's data, say) gets a hash map sized for them instead.
     */
    public static ObjectNode compactObject(int fields) {
        return new ObjectNode(MAPPER.getNodeFactory(), fields > COMPACT_FIELDS
                ? LinkedHashMap.newLinkedHashMap(fields) : new FieldMap(fields));
    }

    /** Whether an object of {@code fields} fields is made compact by {@link #compactObject}. */
    static boolean isCompactSize(int fields) {
        return fields <= COMPACT_FIELDS;
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String string(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode parseObject(byte[] bytes) {
        try {
            return (ObjectNode) MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
