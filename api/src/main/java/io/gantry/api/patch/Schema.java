package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.gantry.api.Json;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the model says about the value at one path of an object: a bean with named properties, a map or list of
 * some value type, or nothing known. Bean properties come from Jackson's own introspection of the fabric8 model
 * class, computed once per class and resolved lazily so recursive types are fine.
 */
public sealed interface Schema {
    /** The schema of property {@code name} of an object value, and the patch strategy tagged on it. */
    Field field(String name);

    /** The schema of each element of a list value. */
    Schema element();

    record Field(Schema schema, Optional<ListStrategy> strategy) {
        static final Field UNKNOWN = new Field(Unknown.INSTANCE, Optional.empty());
    }

    static Schema of(Class<?> type) {
        return of(Json.MAPPER.constructType(type));
    }

    static Schema of(JavaType type) {
        if (type == null) {
            return Unknown.INSTANCE;
        }
        if (type.isArrayType() || type.isCollectionLikeType()) {
            return new ListOf(of(type.getContentType()));
        }
        if (type.isMapLikeType()) {
            return new MapOf(of(type.getContentType()));
        }
        Class<?> raw = type.getRawClass();
        if (raw.isPrimitive() || raw.isEnum() || raw.isInterface() || raw.getName().startsWith("java.")) {
            return Unknown.INSTANCE;
        }
        return new Bean(raw);
    }

    /** A model class; its properties are looked up through Jackson. */
    record Bean(Class<?> type) implements Schema {
        private static final ClassValue<Map<String, Schema>> PROPERTIES = new ClassValue<>() {
            @Override
            protected Map<String, Schema> computeValue(Class<?> type) {
                ObjectMapper mapper = Json.MAPPER;
                Map<String, Schema> properties = new HashMap<>();
                try {
                    for (BeanPropertyDefinition property : mapper.getSerializationConfig()
                            .introspect(mapper.constructType(type)).findProperties()) {
                        properties.put(property.getName(), of(property.getPrimaryType()));
                    }
                } catch (RuntimeException e) {
                    // a class Jackson cannot describe is treated as unknown: its fields merge like a merge patch
                    return Map.of();
                }
                return Map.copyOf(properties);
            }
        };

        /** The JSON properties of this class and their schemas. */
        public Map<String, Schema> properties() {
            return PROPERTIES.get(type);
        }

        @Override
        public Field field(String name) {
            Schema schema = PROPERTIES.get(type).get(name);
            if (schema == null) {
                return Field.UNKNOWN;
            }
            return new Field(schema, PatchStrategies.of(type, name));
        }

        @Override
        public Schema element() {
            return Unknown.INSTANCE;
        }
    }

    /** A {@code Map<String, V>}: every key holds a V. */
    record MapOf(Schema value) implements Schema {
        @Override
        public Field field(String name) {
            return new Field(value, Optional.empty());
        }

        @Override
        public Schema element() {
            return Unknown.INSTANCE;
        }
    }

    record ListOf(Schema elementSchema) implements Schema {
        @Override
        public Field field(String name) {
            return Field.UNKNOWN;
        }

        @Override
        public Schema element() {
            return elementSchema;
        }
    }

    /** No type information: objects merge as in JSON merge patch and lists are replaced. */
    enum Unknown implements Schema {
        INSTANCE;

        @Override
        public Field field(String name) {
            return Field.UNKNOWN;
        }

        @Override
        public Schema element() {
            return INSTANCE;
        }
    }
}
