package io.gantry.api.patch;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;

import java.util.Map;
import java.util.Optional;

/**
 * The {@code patchStrategy}/{@code patchMergeKey} struct tags of the built-in Kubernetes types (k8s.io/api), keyed
 * by the fabric8 class that owns the field and the field's JSON name.
 *
 * <p>A field without an entry has no tag, which for a list means "replace" (e.g. {@code PodSpec.tolerations},
 * {@code NodeSpec.taints}, {@code Container.envFrom}, {@code Container.resizePolicy}) and for an object means
 * "merge". {@code DaemonSetSpec.updateStrategy} and {@code StatefulSetSpec.updateStrategy} carry no
 * {@code retainKeys} tag in Kubernetes, unlike {@code DeploymentSpec.strategy}. The {@code retainKeys} part of
 * {@code PodSpec.volumes} is what makes kubectl send {@code $retainKeys} inside each volume.
 */
public final class PatchStrategies {
    private static final ListStrategy MERGE = new ListStrategy("merge", null);
    private static final ListStrategy BY_TYPE = byKey("type");
    private static final ListStrategy BY_NAME = byKey("name");
    private static final ListStrategy BY_NAME_RETAIN = new ListStrategy("merge,retainKeys", "name");
    private static final ListStrategy BY_IP = byKey("ip");
    private static final Map<String, ListStrategy> CONDITIONS = Map.of("conditions", BY_TYPE);

    /** Container and EphemeralContainer share these fields (EphemeralContainerCommon is inlined). */
    private static final Map<String, ListStrategy> CONTAINER = Map.of(
            "ports", byKey("containerPort"),
            "env", BY_NAME,
            "volumeMounts", byKey("mountPath"),
            "volumeDevices", byKey("devicePath"));

    private static final Map<Class<?>, Map<String, ListStrategy>> TABLE = Map.ofEntries(
            Map.entry(ObjectMeta.class, Map.of(
                    "finalizers", MERGE,
                    "ownerReferences", byKey("uid"))),
            Map.entry(PodSpec.class, Map.of(
                    "volumes", BY_NAME_RETAIN,
                    "initContainers", BY_NAME,
                    "containers", BY_NAME,
                    "ephemeralContainers", BY_NAME,
                    "imagePullSecrets", BY_NAME,
                    "hostAliases", BY_IP,
                    "topologySpreadConstraints", byKey("topologyKey"),
                    "schedulingGates", BY_NAME,
                    "resourceClaims", BY_NAME_RETAIN)),
            Map.entry(Container.class, CONTAINER),
            Map.entry(EphemeralContainer.class, CONTAINER),
            Map.entry(PodStatus.class, Map.of(
                    "conditions", BY_TYPE,
                    "podIPs", BY_IP,
                    "hostIPs", BY_IP,
                    "resourceClaimStatuses", BY_NAME_RETAIN)),
            Map.entry(ServiceSpec.class, Map.of("ports", byKey("port"))),
            Map.entry(ServiceStatus.class, CONDITIONS),
            Map.entry(ServiceAccount.class, Map.of("secrets", BY_NAME)),
            Map.entry(NodeSpec.class, Map.of("podCIDRs", MERGE)),
            Map.entry(NodeStatus.class, Map.of("conditions", BY_TYPE, "addresses", BY_TYPE)),
            Map.entry(NamespaceStatus.class, CONDITIONS),
            Map.entry(PersistentVolumeClaimStatus.class, CONDITIONS),
            Map.entry(ReplicationControllerStatus.class, CONDITIONS),
            Map.entry(DeploymentSpec.class, Map.of("strategy", new ListStrategy("retainKeys", null))),
            Map.entry(DeploymentStatus.class, CONDITIONS),
            Map.entry(ReplicaSetStatus.class, CONDITIONS),
            Map.entry(DaemonSetStatus.class, CONDITIONS),
            Map.entry(StatefulSetStatus.class, CONDITIONS),
            Map.entry(JobStatus.class, CONDITIONS),
            Map.entry(HorizontalPodAutoscalerStatus.class, CONDITIONS),
            Map.entry(PodDisruptionBudgetStatus.class, CONDITIONS));

    private PatchStrategies() {
    }

    /** The tagged strategy of {@code jsonField} on {@code ownerClass}, or empty when the field has no tag. */
    public static Optional<ListStrategy> of(Class<?> ownerClass, String jsonField) {
        Map<String, ListStrategy> fields = TABLE.get(ownerClass);
        return fields == null ? Optional.empty() : Optional.ofNullable(fields.get(jsonField));
    }

    private static ListStrategy byKey(String mergeKey) {
        return new ListStrategy("merge", mergeKey);
    }
}
