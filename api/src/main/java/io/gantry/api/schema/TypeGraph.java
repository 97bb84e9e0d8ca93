package io.gantry.api.schema;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.Duration;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.runtime.RawExtension;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The schemas of the fabric8 model classes a registry serves, derived once through Jackson's own bean
 * introspection so that property names are exactly the JSON names the models read and write.
 * Immutable after construction.
 */
public final class TypeGraph {
    public static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    public static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    /** fabric8's catch-all for unknown JSON properties; not part of the Kubernetes schema. */
    private static final String CATCH_ALL = "additionalProperties";

    private final ObjectMapper mapper;
    private final Map<Class<?>, ObjectType> byClass = new LinkedHashMap<>();
    private final Map<String, ObjectType> byName = new LinkedHashMap<>();

    private TypeGraph(ObjectMapper mapper, Collection<? extends Class<?>> roots) {
        this.mapper = mapper;
        Deque<Class<?>> pending = new ArrayDeque<>(roots);
        while (!pending.isEmpty()) {
            Class<?> next = pending.poll();
            if (!byClass.containsKey(next)) {
                ObjectType type = introspect(next, pending);
                byClass.put(next, type);
                ObjectType clash = byName.putIfAbsent(type.name(), type);
                if (clash != null && clash.modelClass() != next) {
                    throw new IllegalStateException("Two model classes map to schema " + type.name() + ": "
                            + clash.modelClass().getName() + " and " + next.getName());
                }
            }
        }
    }

    /** The graph of every kind in the registry, plus the kinds its subresources and errors answer with. */
    public static TypeGraph of(ResourceRegistry registry) {
        Set<Class<?>> roots = new LinkedHashSet<>();
        for (ResourceType t : registry.all()) {
            roots.add(t.modelClass());
        }
        roots.addAll(SubresourceKinds.MODEL_CLASSES);
        return of(roots);
    }

    public static TypeGraph of(Collection<? extends Class<?>> roots) {
        return new TypeGraph(Json.MAPPER, roots);
    }

    public Optional<ObjectType> type(Class<?> modelClass) {
        return Optional.ofNullable(byClass.get(modelClass));
    }

    public Optional<ObjectType> named(String schemaName) {
        return Optional.ofNullable(byName.get(schemaName));
    }

    public Collection<ObjectType> types() {
        return Collections.unmodifiableCollection(byName.values());
    }

    /** The names of all object types reachable from the given ones (including them), in discovery order. */
    public Set<String> reachableFrom(Collection<String> schemaNames) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(schemaNames);
        while (!pending.isEmpty()) {
            String name = pending.poll();
            ObjectType type = byName.get(name);
            if (type != null && seen.add(name)) {
                type.properties().values().forEach(node -> collectRefs(node, pending));
            }
        }
        return seen;
    }

    private static void collectRefs(SchemaNode node, Deque<String> into) {
        switch (node) {
            case SchemaNode.Ref ref -> into.add(ref.name());
            case SchemaNode.ArrayOf array -> collectRefs(array.items(), into);
            case SchemaNode.MapOf map -> collectRefs(map.values(), into);
            case SchemaNode.Scalar ignored -> { }
            case SchemaNode.IntOrString ignored -> { }
            case SchemaNode.FreeForm ignored -> { }
        }
    }

    private ObjectType introspect(Class<?> modelClass, Deque<Class<?>> pending) {
        BeanDescription bean = mapper.getSerializationConfig().introspect(mapper.constructType(modelClass));
        Map<String, SchemaNode> properties = new LinkedHashMap<>();
        for (BeanPropertyDefinition property : bean.findProperties()) {
            if (property.getName().equals(CATCH_ALL) || property.getPrimaryType() == null) {
                continue;
            }
            properties.put(property.getName(), describe(property.getPrimaryType(), pending));
        }
        return new ObjectType(SchemaNames.of(modelClass), modelClass, properties);
    }

    private SchemaNode describe(JavaType type, Deque<Class<?>> pending) {
        Class<?> raw = type.getRawClass();
        if (raw == Quantity.class) {
            return new SchemaNode.IntOrString(QUANTITY);
        }
        if (raw == IntOrString.class) {
            return new SchemaNode.IntOrString(INT_OR_STRING);
        }
        if (raw == MicroTime.class || raw == java.time.Instant.class || raw == java.time.OffsetDateTime.class
                || raw == java.time.ZonedDateTime.class) {
            return SchemaNode.Scalar.DATE_TIME;
        }
        if (raw == String.class || raw == Duration.class || raw == char.class || raw == Character.class
                || raw.isEnum()) {
            return SchemaNode.Scalar.STRING;
        }
        if (raw == Integer.class || raw == int.class || raw == Short.class || raw == short.class
                || raw == Byte.class || raw == byte.class) {
            return SchemaNode.Scalar.INT32;
        }
        if (raw == Long.class || raw == long.class || raw == BigInteger.class) {
            return SchemaNode.Scalar.INT64;
        }
        if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class
                || raw == BigDecimal.class) {
            return SchemaNode.Scalar.DOUBLE;
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return SchemaNode.Scalar.BOOLEAN;
        }
        if (raw == byte[].class) {
            return new SchemaNode.Scalar("string", "byte");
        }
        if (type.isArrayType() || type.isCollectionLikeType()) {
            return new SchemaNode.ArrayOf(describe(type.getContentType(), pending));
        }
        if (type.isMapLikeType()) {
            JavaType values = type.getContentType();
            // Map<String,Object> is how fabric8 models a free-form object, not a map of anything.
            return values.getRawClass() == Object.class ? new SchemaNode.FreeForm()
                    : new SchemaNode.MapOf(describe(values, pending));
        }
        if (isFreeForm(type)) {
            return new SchemaNode.FreeForm();
        }
        pending.add(raw);
        return new SchemaNode.Ref(SchemaNames.of(raw));
    }

    private static boolean isFreeForm(JavaType type) {
        Class<?> raw = type.getRawClass();
        return raw == Object.class || JsonNode.class.isAssignableFrom(raw) || raw == KubernetesResource.class
                || raw == RawExtension.class || raw == AnyType.class || raw == FieldsV1.class
                || type.isInterface() || type.isAbstract();
    }

    /** @return the names of the object types, for diagnostics. */
    @Override
    public String toString() {
        return "TypeGraph" + List.copyOf(byName.keySet());
    }
}
