package io.gantry.api.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.gantry.api.ApiException;
import io.gantry.api.Json;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Set;

/**
 * Turns a parsed Kubernetes protobuf message into the JSON the same object has in the REST API.
 *
 * <p>The Go protobuf code writes every non-pointer field, zero or not, while Go's JSON drops the empty ones
 * ({@code omitempty}). The wire cannot tell a pointer from a plain field, so empty strings are dropped (no
 * built-in field gives "" a meaning of its own, except the few in {@link #EMPTY_STRING_MEANINGFUL}), and numbers
 * and booleans are kept as sent, since a 0 or false may be an explicit choice ({@code replicas: 0},
 * {@code automountServiceAccountToken: false}); only the common plain fields in {@link #ZERO_MEANS_UNSET} lose
 * their zeros. Fields the descriptors do not know arrive as unknown fields and are dropped.
 */
final class ProtoJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** Pointer string fields where "" differs from unset ("" means "no storage class" rather than the default). */
    private static final Set<String> EMPTY_STRING_MEANINGFUL = Set.of(
            "k8s.io.api.core.v1.PersistentVolumeClaimSpec.storageClassName",
            "k8s.io.api.core.v1.PersistentVolumeClaimSpec.volumeAttributesClassName");

    /**
     * Plain (non-pointer) {@code omitempty} numbers and booleans that typed clients always send, where 0 or false
     * means unset: dropped so stored objects look as they would after a JSON request. Pointer fields, where a zero
     * is a choice, are not listed.
     */
    private static final Set<String> ZERO_MEANS_UNSET = Set.of(
            META + "ObjectMeta.generation",
            "k8s.io.api.core.v1.ContainerPort.hostPort",
            "k8s.io.api.core.v1.Container.stdin", "k8s.io.api.core.v1.Container.stdinOnce",
            "k8s.io.api.core.v1.Container.tty",
            "k8s.io.api.core.v1.EphemeralContainerCommon.stdin", "k8s.io.api.core.v1.EphemeralContainerCommon.stdinOnce",
            "k8s.io.api.core.v1.EphemeralContainerCommon.tty",
            "k8s.io.api.core.v1.PodSpec.hostNetwork", "k8s.io.api.core.v1.PodSpec.hostPID",
            "k8s.io.api.core.v1.PodSpec.hostIPC",
            "k8s.io.api.core.v1.ServiceSpec.healthCheckNodePort", "k8s.io.api.core.v1.ServiceSpec.publishNotReadyAddresses",
            "k8s.io.api.core.v1.ServicePort.nodePort",
            "k8s.io.api.networking.v1.ServiceBackendPort.number",
            "k8s.io.api.apps.v1.DeploymentSpec.minReadySeconds", "k8s.io.api.apps.v1.DeploymentSpec.paused",
            "k8s.io.api.apps.v1.ReplicaSetSpec.minReadySeconds", "k8s.io.api.apps.v1.DaemonSetSpec.minReadySeconds",
            "k8s.io.api.apps.v1.StatefulSetSpec.minReadySeconds",
            "k8s.io.api.scheduling.v1.PriorityClass.globalDefault");

    /**
     * Go structs embedded with {@code json:",inline"}: protobuf nests them as a field, JSON spreads their fields
     * into the parent. The list is every such field in the descriptors (found by scanning them for embedded
     * message fields and checking each against the Go types).
     */
    private static final Set<String> INLINE = Set.of(
            "k8s.io.api.core.v1.Volume.volumeSource",
            "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
            "k8s.io.api.core.v1.Probe.handler",
            "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
            "k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapProjection.localObjectReference",
            "k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference",
            "k8s.io.api.core.v1.SecretEnvSource.localObjectReference",
            "k8s.io.api.core.v1.SecretKeySelector.localObjectReference",
            "k8s.io.api.core.v1.SecretProjection.localObjectReference",
            "k8s.io.api.networking.v1.IngressRule.ingressRuleValue",
            "k8s.io.api.extensions.v1beta1.IngressRule.ingressRuleValue",
            "k8s.io.api.admissionregistration.v1.NamedRuleWithOperations.ruleWithOperations",
            "k8s.io.api.admissionregistration.v1.RuleWithOperations.rule",
            "k8s.io.api.admissionregistration.v1beta1.NamedRuleWithOperations.ruleWithOperations");

    /** Named Go slice types ({@code type Verbs []string}): protobuf wraps them in a message with {@code items}. */
    private static final Set<String> LIST_WRAPPERS = Set.of(
            META + "Verbs",
            "k8s.io.api.authentication.v1.ExtraValue", "k8s.io.api.authentication.v1beta1.ExtraValue",
            "k8s.io.api.authorization.v1.ExtraValue", "k8s.io.api.authorization.v1beta1.ExtraValue",
            "k8s.io.api.certificates.v1.ExtraValue", "k8s.io.api.certificates.v1beta1.ExtraValue");

    private ProtoJson() {
    }

    static ObjectNode object(Message message) {
        ObjectNode out = NODES.objectNode();
        Descriptor type = message.getDescriptorForType();
        for (FieldDescriptor field : type.getFields()) {
            if (field.isMapField()) {
                if (message.getRepeatedFieldCount(field) > 0) {
                    out.set(field.getName(), map(message, field));
                }
            } else if (field.isRepeated()) {
                if (message.getRepeatedFieldCount(field) > 0) {
                    ArrayNode array = out.putArray(field.getName());
                    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                        array.add(value(field, message.getRepeatedField(field, i)));
                    }
                }
            } else if (message.hasField(field)) {
                Object v = message.getField(field);
                if (v instanceof String s && s.isEmpty() && !EMPTY_STRING_MEANINGFUL.contains(field.getFullName())
                        || isZero(v) && ZERO_MEANS_UNSET.contains(field.getFullName())) {
                    continue;
                }
                JsonNode node = value(field, v);
                if (INLINE.contains(field.getFullName()) && node instanceof ObjectNode embedded) {
                    out.setAll(embedded);
                } else if (node != null) {
                    out.set(field.getName(), node);
                }
            }
        }
        return out;
    }

    private static boolean isZero(Object v) {
        return v instanceof Number n && n.longValue() == 0 || Boolean.FALSE.equals(v);
    }

    private static ObjectNode map(Message message, FieldDescriptor field) {
        ObjectNode out = NODES.objectNode();
        Descriptor entry = field.getMessageType();
        FieldDescriptor key = entry.findFieldByName("key");
        FieldDescriptor valueField = entry.findFieldByName("value");
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            Message e = (Message) message.getRepeatedField(field, i);
            JsonNode v = value(valueField, e.getField(valueField));
            out.set(String.valueOf(e.getField(key)), v == null ? NullNode.instance : v);
        }
        return out;
    }

    /** The JSON of one value; null when the value stands for an absent field (a zero Time). */
    private static JsonNode value(FieldDescriptor field, Object v) {
        return switch (field.getJavaType()) {
            case INT -> NODES.numberNode((Integer) v);
            // as Jackson would parse the same number from JSON, so trees compare equal whatever the encoding
            case LONG -> (Long) v == ((Long) v).intValue() ? NODES.numberNode(((Long) v).intValue())
                    : NODES.numberNode((Long) v);
            case FLOAT -> NODES.numberNode((Float) v);
            case DOUBLE -> NODES.numberNode((Double) v);
            case BOOLEAN -> NODES.booleanNode((Boolean) v);
            case STRING -> NODES.textNode((String) v);
            // Go's encoding/json writes []byte as standard base64 with padding
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case ENUM -> NODES.textNode(v.toString());
            case MESSAGE -> message((Message) v);
        };
    }

    private static JsonNode message(Message m) {
        Descriptor type = m.getDescriptorForType();
        return switch (type.getFullName()) {
            case META + "Time" -> time(m, SECONDS);
            case META + "MicroTime" -> time(m, MICROS);
            case META + "Duration" -> NODES.textNode(GoDuration.format(longField(m, "duration")));
            case META + "FieldsV1" -> raw(m, "Raw");
            case "k8s.io.apimachinery.pkg.runtime.RawExtension" -> raw(m, "raw");
            case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> {
                String s = (String) m.getField(type.findFieldByName("string"));
                yield NODES.textNode(s.isEmpty() ? "0" : s);
            }
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> intOrString(m);
            default -> LIST_WRAPPERS.contains(type.getFullName()) ? items(m) : object(m);
        };
    }

    private static ArrayNode items(Message m) {
        return object(m).get("items") instanceof ArrayNode items ? items : NODES.arrayNode();
    }

    /** Zero times travel as empty messages; Go's JSON writes them as null, so the field is left out. */
    private static JsonNode time(Message m, DateTimeFormatter format) {
        FieldDescriptor seconds = m.getDescriptorForType().findFieldByName("seconds");
        if (!m.hasField(seconds)) {
            return null;
        }
        int nanos = (Integer) m.getField(m.getDescriptorForType().findFieldByName("nanos"));
        return NODES.textNode(format.format(Instant.ofEpochSecond((Long) m.getField(seconds), nanos)));
    }

    private static JsonNode intOrString(Message m) {
        Descriptor type = m.getDescriptorForType();
        long kind = longField(m, "type");
        if (kind == 1) {
            return NODES.textNode((String) m.getField(type.findFieldByName("strVal")));
        }
        return NODES.numberNode((Integer) m.getField(type.findFieldByName("intVal")));
    }

    /** Embedded objects: JSON as sent, or another protobuf envelope. */
    private static JsonNode raw(Message m, String fieldName) {
        byte[] bytes = ((ByteString) m.getField(m.getDescriptorForType().findFieldByName(fieldName))).toByteArray();
        if (bytes.length == 0) {
            return null;
        }
        if (ProtobufDecoder.hasMagic(bytes)) {
            return ProtobufDecoder.decode(bytes);
        }
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw ApiException.badRequest("an embedded object in the protobuf body is not valid JSON: " + e.getMessage());
        }
    }

    private static long longField(Message m, String name) {
        return ((Number) m.getField(m.getDescriptorForType().findFieldByName(name))).longValue();
    }
}
