package io.gantry.api.defaults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;

/**
 * Fills in the fields the Kubernetes API server defaults on create and update, so stored objects read back
 * like those of a real cluster. Mutates the object in place; applying it twice changes nothing more.
 * Server-generated values (names, uids, cluster IPs, node ports, Job controller-uid labels) are not set here.
 */
public final class Defaulter {
    private Defaulter() {
    }

    public static void apply(ResourceType type, ObjectNode object) {
        switch (type.group() + "/" + type.kind()) {
            case "/Pod" -> PodDefaults.pod(object);
            case "/Service" -> OtherDefaults.service(object);
            case "/Namespace" -> OtherDefaults.namespace(object);
            case "/Secret" -> OtherDefaults.secret(object);
            case "/PersistentVolumeClaim" -> OtherDefaults.persistentVolumeClaim(object);
            case "/PersistentVolume" -> OtherDefaults.persistentVolume(object);
            case "/Endpoints" -> OtherDefaults.endpoints(object);
            case "apps/Deployment" -> WorkloadDefaults.deployment(object);
            case "apps/ReplicaSet" -> WorkloadDefaults.replicaSet(object);
            case "apps/StatefulSet" -> WorkloadDefaults.statefulSet(object);
            case "apps/DaemonSet" -> WorkloadDefaults.daemonSet(object);
            case "batch/Job" -> WorkloadDefaults.job(object);
            case "batch/CronJob" -> WorkloadDefaults.cronJob(object);
            case "scheduling.k8s.io/PriorityClass" -> OtherDefaults.priorityClass(object);
            case "discovery.k8s.io/EndpointSlice" -> OtherDefaults.endpointSlice(object);
            case "networking.k8s.io/NetworkPolicy" -> OtherDefaults.networkPolicy(object);
            case "autoscaling/HorizontalPodAutoscaler" -> OtherDefaults.horizontalPodAutoscaler(object);
            default -> {
            }
        }
    }
}
