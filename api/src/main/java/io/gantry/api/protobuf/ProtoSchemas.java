package io.gantry.api.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admission;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V1alpha1Rbac;
import io.kubernetes.client.proto.V1alpha1Scheduling;
import io.kubernetes.client.proto.V1beta1Admissionregistration;
import io.kubernetes.client.proto.V1beta1Apps;
import io.kubernetes.client.proto.V1beta1Authentication;
import io.kubernetes.client.proto.V1beta1Authorization;
import io.kubernetes.client.proto.V1beta1Batch;
import io.kubernetes.client.proto.V1beta1Certificates;
import io.kubernetes.client.proto.V1beta1Extensions;
import io.kubernetes.client.proto.V1beta1Policy;
import io.kubernetes.client.proto.V1beta1Rbac;
import io.kubernetes.client.proto.V1beta1Storage;
import io.kubernetes.client.proto.V1beta2Apps;
import io.kubernetes.client.proto.V2beta1Autoscaling;
import io.kubernetes.client.proto.V2beta2Autoscaling;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Message schemas of the built-in kinds, keyed by apiVersion and kind, taken from the generated descriptors of
 * client-java-proto. Those protos lag behind the Kubernetes release kubectl is built from; group versions they
 * lack are either served through an older version with the identical field layout (see {@link #ALIASES}) or
 * not at all.
 */
final class ProtoSchemas {
    private static final String API_PACKAGE = "k8s.io.api.";

    private static final List<FileDescriptor> FILES = List.of(
            V1.getDescriptor(), V1Apps.getDescriptor(), V1beta1Apps.getDescriptor(), V1beta2Apps.getDescriptor(),
            V1Batch.getDescriptor(), V1beta1Batch.getDescriptor(),
            V1Autoscaling.getDescriptor(), V2beta1Autoscaling.getDescriptor(), V2beta2Autoscaling.getDescriptor(),
            V1Networking.getDescriptor(), V1beta1Extensions.getDescriptor(),
            V1Policy.getDescriptor(), V1beta1Policy.getDescriptor(),
            V1Rbac.getDescriptor(), V1beta1Rbac.getDescriptor(), V1alpha1Rbac.getDescriptor(),
            V1Scheduling.getDescriptor(), V1alpha1Scheduling.getDescriptor(),
            V1Storage.getDescriptor(), V1beta1Storage.getDescriptor(),
            V1Certificates.getDescriptor(), V1beta1Certificates.getDescriptor(),
            V1Authentication.getDescriptor(), V1beta1Authentication.getDescriptor(),
            V1Authorization.getDescriptor(), V1beta1Authorization.getDescriptor(),
            V1Admissionregistration.getDescriptor(), V1beta1Admissionregistration.getDescriptor(),
            V1Admission.getDescriptor());

    /**
     * Group versions missing from the descriptors, mapped to an older version whose messages carry the same
     * field numbers and types. autoscaling/v2 was checked message by message against autoscaling/v2beta2; v2
     * only adds fields (HPAScalingRules.tolerance = 4, HorizontalPodAutoscalerCondition.observedGeneration = 6),
     * which arrive as unknown fields and are dropped.
     */
    static final Map<String, String> ALIASES = Map.of("autoscaling/v2", "autoscaling/v2beta2");

    /** Option and status kinds that client-go encodes under the group version of the resource it talks to. */
    private static final Set<String> META_KINDS = Set.of("DeleteOptions", "CreateOptions", "UpdateOptions",
            "PatchOptions", "GetOptions", "ListOptions", "Status");

    private static final Map<String, Map<String, Descriptor>> BY_API_VERSION = index();

    private ProtoSchemas() {
    }

    /** The message of {@code kind} in {@code apiVersion}, if the server has its schema. */
    static Optional<Descriptor> find(String apiVersion, String kind) {
        Map<String, Descriptor> kinds = BY_API_VERSION.get(ALIASES.getOrDefault(apiVersion, apiVersion));
        Descriptor d = kinds == null ? null : kinds.get(kind);
        if (d == null && META_KINDS.contains(kind)) {
            d = Meta.getDescriptor().findMessageTypeByName(kind);
        }
        return Optional.ofNullable(d);
    }

    private static Map<String, Map<String, Descriptor>> index() {
        Map<String, Map<String, Descriptor>> index = new HashMap<>();
        for (FileDescriptor file : FILES) {
            String apiVersion = apiVersion(file.getPackage());
            Map<String, Descriptor> kinds = new HashMap<>();
            for (Descriptor message : file.getMessageTypes()) {
                kinds.put(message.getName(), message);
            }
            index.put(apiVersion, Map.copyOf(kinds));
        }
        return Map.copyOf(index);
    }

    /** {@code k8s.io.api.rbac.v1} -> {@code rbac.authorization.k8s.io/v1}; core is the legacy group "". */
    static String apiVersion(String protoPackage) {
        if (!protoPackage.startsWith(API_PACKAGE)) {
            throw new IllegalArgumentException("not a Kubernetes API package: " + protoPackage);
        }
        String rest = protoPackage.substring(API_PACKAGE.length());
        int dot = rest.indexOf('.');
        String dir = rest.substring(0, dot);
        String version = rest.substring(dot + 1);
        String group = switch (dir) {
            case "core" -> "";
            case "apps", "batch", "autoscaling", "policy", "extensions" -> dir;
            case "rbac" -> "rbac.authorization.k8s.io";
            default -> dir + ".k8s.io";
        };
        return group.isEmpty() ? version : group + "/" + version;
    }
}
