package io.gantry.api.validation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.api.StatusCause;

import java.util.List;
import java.util.Set;

/**
 * Kubernetes' create and update validation for the built-in kinds, on the stored JSON form. Objects are
 * expected to have been defaulted first (as the API server does), so fields the defaulter fills in are
 * treated as required. An empty result means the object is valid.
 */
public final class Validator {
    /** An empty object read in place of absent ones; never mutated. */
    static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();
    private static final Path METADATA = Path.root("metadata");
    private static final Set<String> PATH_SEGMENT_GROUPS = Set.of("rbac.authorization.k8s.io");

    private Validator() {
    }

    public static List<StatusCause> validateCreate(ResourceType type, ObjectNode object) {
        FieldErrors errs = new FieldErrors();
        if (!isCoreEvent(type)) {
            MetaValidation.validate(meta(object), type.namespaced(), nameRule(type), METADATA, errs);
        } else if (Nodes.text(meta(object), "name").isEmpty() && Nodes.text(meta(object), "generateName").isEmpty()) {
            errs.required(METADATA.child("name"), "name or generateName is required");
        }
        kindRules(type, object, errs);
        return errs.causes();
    }

    public static List<StatusCause> validateUpdate(ResourceType type, ObjectNode newObject, ObjectNode oldObject) {
        FieldErrors errs = new FieldErrors();
        MetaValidation.validateUpdate(meta(newObject), meta(oldObject), METADATA, errs);
        kindRules(type, newObject, errs);
        ObjectNode spec = Nodes.obj(newObject, "spec");
        ObjectNode oldSpec = Nodes.obj(oldObject, "spec");
        switch (key(type)) {
            case "/Pod" -> PodValidation.update(spec, oldSpec, Path.root("spec"), errs);
            case "apps/Deployment", "apps/ReplicaSet", "apps/DaemonSet", "apps/StatefulSet" ->
                    WorkloadValidation.appsUpdate(type.kind(), spec, oldSpec, errs);
            case "batch/Job" -> WorkloadValidation.jobUpdate(spec, oldSpec, errs);
            case "/Service" -> ServiceValidation.update(spec, oldSpec, errs);
            case "/ConfigMap", "/Secret" -> ConfigValidation.update(type.kind(), newObject, oldObject, errs);
            case "scheduling.k8s.io/PriorityClass" -> OtherValidation.priorityClassUpdate(newObject, oldObject, errs);
            case "/Node" -> OtherValidation.nodeUpdate(spec, oldSpec, errs);
            default -> {
            }
        }
        return errs.causes();
    }

    /**
     * A write of the status subresource: the server kept everything but status and metadata as stored, so only
     * the metadata change is checked (as Kubernetes' status strategies do not validate the spec again). None of the
     * kinds here has rules on its status.
     */
    public static List<StatusCause> validateStatusUpdate(ObjectNode newObject, ObjectNode oldObject) {
        FieldErrors errs = new FieldErrors();
        MetaValidation.validateUpdate(meta(newObject), meta(oldObject), METADATA, errs);
        return errs.causes();
    }

    /** How metadata.name must look for a kind, per the kind's Validate*Name function in Kubernetes. */
    public static NameRule nameRule(ResourceType type) {
        if (type.group().isEmpty()) {
            return switch (type.kind()) {
                case "Namespace" -> NameRule.DNS1123_LABEL;
                case "Service" -> NameRule.DNS1035_LABEL;
                case "Event" -> NameRule.PATH_SEGMENT;
                default -> NameRule.DNS1123_SUBDOMAIN;
            };
        }
        return PATH_SEGMENT_GROUPS.contains(type.group()) ? NameRule.PATH_SEGMENT : NameRule.DNS1123_SUBDOMAIN;
    }

    private static void kindRules(ResourceType type, ObjectNode object, FieldErrors errs) {
        ObjectNode spec = Nodes.obj(object, "spec");
        ObjectNode specOrEmpty = spec == null ? EMPTY : spec;
        switch (key(type)) {
            case "/Pod" -> PodValidation.spec(specOrEmpty, Path.root("spec"), errs);
            case "/Service" -> ServiceValidation.create(specOrEmpty, errs);
            case "/ConfigMap" -> ConfigValidation.configMap(object, errs);
            case "/Secret" -> ConfigValidation.secret(object, errs);
            case "/Node" -> OtherValidation.node(specOrEmpty, errs);
            case "/Event" -> OtherValidation.coreEvent(object, errs);
            case "/PersistentVolumeClaim" -> OtherValidation.persistentVolumeClaim(specOrEmpty, errs);
            case "apps/Deployment" -> WorkloadValidation.deployment(specOrEmpty, errs);
            case "apps/ReplicaSet" -> WorkloadValidation.replicaSet(specOrEmpty, errs);
            case "apps/StatefulSet" -> WorkloadValidation.statefulSet(specOrEmpty, errs);
            case "apps/DaemonSet" -> WorkloadValidation.daemonSet(specOrEmpty, errs);
            case "batch/Job" -> WorkloadValidation.job(specOrEmpty, errs);
            case "batch/CronJob" -> WorkloadValidation.cronJob(Nodes.text(meta(object), "name"), specOrEmpty, errs);
            case "events.k8s.io/Event" -> OtherValidation.eventsV1(object, errs);
            case "coordination.k8s.io/Lease" -> OtherValidation.lease(specOrEmpty, errs);
            case "scheduling.k8s.io/PriorityClass" -> OtherValidation.priorityClass(object, errs);
            case "autoscaling/HorizontalPodAutoscaler" -> OtherValidation.horizontalPodAutoscaler(specOrEmpty, errs);
            case "policy/PodDisruptionBudget" -> OtherValidation.podDisruptionBudget(spec, errs);
            case "node.k8s.io/RuntimeClass" -> OtherValidation.runtimeClass(object, errs);
            case "discovery.k8s.io/EndpointSlice" -> OtherValidation.endpointSlice(object, errs);
            default -> {
            }
        }
    }

    private static boolean isCoreEvent(ResourceType type) {
        return type.group().isEmpty() && type.kind().equals("Event");
    }

    private static String key(ResourceType type) {
        return type.group() + "/" + type.kind();
    }

    private static ObjectNode meta(ObjectNode object) {
        ObjectNode m = Nodes.obj(object, "metadata");
        return m == null ? EMPTY : m;
    }
}
