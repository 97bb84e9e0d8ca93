package io.gantry.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The built-in Kubernetes kinds Gantry serves, with the names and metadata kubectl expects. */
final class BuiltInTypes {
    private static final boolean NAMESPACED = true;
    private static final boolean CLUSTER = false;
    private static final List<String> ALL = List.of("all");
    private static final List<String> NONE = List.of();

    private BuiltInTypes() {
    }

    static List<ResourceType> all() {
        List<ResourceType> t = new ArrayList<>();
        // core/v1
        t.add(type("", "v1", "Namespace", "namespaces", List.of("ns"), NONE, CLUSTER, Set.of("status", "finalize"),
                Set.of("status.phase"), Namespace.class));
        t.add(type("", "v1", "Node", "nodes", List.of("no"), NONE, CLUSTER, Set.of("status"),
                Set.of("spec.unschedulable"), Node.class));
        t.add(type("", "v1", "Pod", "pods", List.of("po"), ALL, NAMESPACED, Set.of("status", "binding", "eviction", "log", "exec", "attach"),
                Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                        "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"), Pod.class));
        t.add(type("", "v1", "Service", "services", List.of("svc"), ALL, NAMESPACED, Set.of("status"),
                Set.of(), Service.class));
        t.add(type("", "v1", "Endpoints", "endpoints", List.of("ep"), NONE, NAMESPACED, Set.of(), Set.of(),
                Endpoints.class));
        t.add(type("", "v1", "ConfigMap", "configmaps", List.of("cm"), NONE, NAMESPACED, Set.of(), Set.of(),
                ConfigMap.class));
        t.add(type("", "v1", "Secret", "secrets", NONE, NONE, NAMESPACED, Set.of(), Set.of("type"), Secret.class));
        t.add(type("", "v1", "Event", "events", List.of("ev"), NONE, NAMESPACED, Set.of(),
                Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
                Event.class));
        t.add(type("", "v1", "ServiceAccount", "serviceaccounts", List.of("sa"), NONE, NAMESPACED, Set.of(),
                Set.of(), ServiceAccount.class));
        t.add(type("", "v1", "PersistentVolume", "persistentvolumes", List.of("pv"), NONE, CLUSTER, Set.of("status"),
                Set.of(), PersistentVolume.class));
        t.add(type("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", List.of("pvc"), NONE, NAMESPACED,
                Set.of("status"), Set.of(), PersistentVolumeClaim.class));
        t.add(type("", "v1", "ResourceQuota", "resourcequotas", List.of("quota"), NONE, NAMESPACED, Set.of("status"),
                Set.of(), ResourceQuota.class));
        t.add(type("", "v1", "LimitRange", "limitranges", List.of("limits"), NONE, NAMESPACED, Set.of(), Set.of(),
                LimitRange.class));
        // apps/v1
        t.add(type("apps", "v1", "Deployment", "deployments", List.of("deploy"), ALL, NAMESPACED,
                Set.of("status", "scale"), Set.of(), Deployment.class));
        t.add(type("apps", "v1", "ReplicaSet", "replicasets", List.of("rs"), ALL, NAMESPACED,
                Set.of("status", "scale"), Set.of("status.replicas"), ReplicaSet.class));
        t.add(type("apps", "v1", "StatefulSet", "statefulsets", List.of("sts"), ALL, NAMESPACED,
                Set.of("status", "scale"), Set.of(), StatefulSet.class));
        t.add(type("apps", "v1", "DaemonSet", "daemonsets", List.of("ds"), ALL, NAMESPACED, Set.of("status"),
                Set.of(), DaemonSet.class));
        t.add(type("apps", "v1", "ControllerRevision", "controllerrevisions", NONE, NONE, NAMESPACED, Set.of(),
                Set.of(), ControllerRevision.class));
        // batch/v1
        t.add(type("batch", "v1", "Job", "jobs", NONE, ALL, NAMESPACED, Set.of("status"), Set.of("status.successful"),
                Job.class));
        t.add(type("batch", "v1", "CronJob", "cronjobs", List.of("cj"), ALL, NAMESPACED, Set.of("status"), Set.of(),
                CronJob.class));
        // autoscaling/v2
        t.add(type("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", List.of("hpa"), ALL,
                NAMESPACED, Set.of("status"), Set.of(), HorizontalPodAutoscaler.class));
        // discovery, events, coordination, scheduling, node, networking, policy
        t.add(type("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", NONE, NONE, NAMESPACED, Set.of(),
                Set.of("addressType"), EndpointSlice.class));
        t.add(type("events.k8s.io", "v1", "Event", "events", List.of("ev"), NONE, NAMESPACED, Set.of(),
                Set.of("reason", "type", "regarding.kind", "regarding.name", "regarding.namespace", "regarding.uid"),
                io.fabric8.kubernetes.api.model.events.v1.Event.class));
        t.add(type("coordination.k8s.io", "v1", "Lease", "leases", NONE, NONE, NAMESPACED, Set.of(), Set.of(),
                Lease.class));
        t.add(type("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", List.of("pc"), NONE, CLUSTER,
                Set.of(), Set.of(), PriorityClass.class));
        t.add(type("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", NONE, NONE, CLUSTER, Set.of(), Set.of(),
                RuntimeClass.class));
        t.add(type("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", List.of("netpol"), NONE, NAMESPACED,
                Set.of(), Set.of(), NetworkPolicy.class));
        t.add(type("networking.k8s.io", "v1", "Ingress", "ingresses", List.of("ing"), NONE, NAMESPACED,
                Set.of("status"), Set.of(), Ingress.class));
        t.add(type("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", List.of("pdb"), NONE, NAMESPACED,
                Set.of("status"), Set.of(), PodDisruptionBudget.class));
        return t;
    }

    private static ResourceType type(String group, String version, String kind, String plural, List<String> shortNames,
                                     List<String> categories, boolean namespaced, Set<String> subresources,
                                     Set<String> fieldSelectors, Class<? extends HasMetadata> model) {
        return new ResourceType(group, version, kind, plural, kind.toLowerCase(java.util.Locale.ROOT), shortNames,
                categories, namespaced, subresources, fieldSelectors, model);
    }
}
