package io.gantry.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Set;

/** The smaller kinds: their obvious required fields and value ranges. */
final class OtherValidation {
    static final long HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000L;
    private static final Set<String> SYSTEM_PRIORITY_CLASSES = Set.of("system-node-critical", "system-cluster-critical");
    private static final List<String> TAINT_EFFECTS = List.of("NoExecute", "NoSchedule", "PreferNoSchedule");
    private static final List<String> PREEMPTION_POLICIES = List.of("Never", "PreemptLowerPriority");

    private OtherValidation() {
    }

    static void priorityClass(ObjectNode pc, FieldErrors errs) {
        String name = Nodes.text(Nodes.obj(pc, "metadata"), "name");
        boolean system = SYSTEM_PRIORITY_CLASSES.contains(name);
        if (name.startsWith("system-") && !system) {
            errs.forbidden(Path.root("metadata").child("name"),
                    "priority class names with 'system-' prefix are reserved for system use only");
        }
        Long value = Nodes.integer(pc, "value");
        if (!system && value != null && value > HIGHEST_USER_DEFINABLE_PRIORITY) {
            errs.forbidden(Path.root("value"), "maximum allowed value of a user defined priority is "
                    + HIGHEST_USER_DEFINABLE_PRIORITY);
        }
        String policy = Nodes.text(pc, "preemptionPolicy");
        if (!policy.isEmpty() && !PREEMPTION_POLICIES.contains(policy)) {
            errs.notSupported(Path.root("preemptionPolicy"), policy, PREEMPTION_POLICIES);
        }
    }

    static void priorityClassUpdate(ObjectNode pc, ObjectNode old, FieldErrors errs) {
        if (!MetaValidation.sameJson(pc.get("value"), old.get("value"))) {
            errs.forbidden(Path.root("value"), "may not be changed in an update.");
        }
        if (!Nodes.text(pc, "preemptionPolicy").equals(Nodes.text(old, "preemptionPolicy"))) {
            errs.immutable(Path.root("preemptionPolicy"), Nodes.text(pc, "preemptionPolicy"));
        }
    }

    /**
     * Kubernetes' ValidateNodeUpdate: a node's pod range is set once, from nothing, and never changed after. Every
     * pod address the node handed out and every other node's route to them hang on it; an allocator working from a
     * stale cache must fail here rather than move a node with running pods to a second range.
     */
    static void nodeUpdate(ObjectNode spec, ObjectNode oldSpec, FieldErrors errs) {
        String forbidden = "node updates may not change podCIDR except from \"\" to valid";
        String oldCidr = Nodes.text(oldSpec, "podCIDR");
        if (!oldCidr.isEmpty() && !oldCidr.equals(Nodes.text(spec, "podCIDR"))) {
            errs.forbidden(Path.root("spec").child("podCIDR"), forbidden);
        }
        List<String> oldCidrs = Nodes.strings(oldSpec, "podCIDRs");
        if (oldCidrs != null && !oldCidrs.isEmpty() && !oldCidrs.equals(Nodes.strings(spec, "podCIDRs"))) {
            errs.forbidden(Path.root("spec").child("podCIDRs"), forbidden);
        }
    }

    static void node(ObjectNode spec, FieldErrors errs) {
        List<ObjectNode> taints = Nodes.objects(spec, "taints");
        for (int i = 0; i < taints.size(); i++) {
            Path p = Path.root("spec").child("taints").index(i);
            String key = Nodes.text(taints.get(i), "key");
            if (key.isEmpty()) {
                errs.required(p.child("key"), "");
            } else {
                errs.invalid(p.child("key"), key, Names.qualifiedName(key));
            }
            String effect = Nodes.text(taints.get(i), "effect");
            if (effect.isEmpty()) {
                errs.required(p.child("effect"), "");
            } else if (!TAINT_EFFECTS.contains(effect)) {
                errs.notSupported(p.child("effect"), effect, TAINT_EFFECTS);
            }
        }
    }

    static void lease(ObjectNode spec, FieldErrors errs) {
        Long duration = Nodes.integer(spec, "leaseDurationSeconds");
        if (duration != null && duration <= 0) {
            errs.invalid(Path.root("spec").child("leaseDurationSeconds"), duration, "must be greater than 0");
        }
        Long transitions = Nodes.integer(spec, "leaseTransitions");
        if (transitions != null) {
            errs.nonNegative(Path.root("spec").child("leaseTransitions"), transitions);
        }
    }

    /** core/v1 Events keep their legacy, lenient validation. */
    static void coreEvent(ObjectNode event, FieldErrors errs) {
        String namespace = Nodes.text(Nodes.obj(event, "metadata"), "namespace");
        String involvedNs = Nodes.text(Nodes.obj(event, "involvedObject"), "namespace");
        boolean mismatch = involvedNs.isEmpty() ? !namespace.isEmpty() && !namespace.equals("default")
                && Nodes.text(event, "eventTime").isEmpty() : !namespace.equals(involvedNs);
        if (mismatch) {
            errs.invalid(Path.root("involvedObject").child("namespace"), involvedNs, "does not match event.namespace");
        }
    }

    static void eventsV1(ObjectNode event, FieldErrors errs) {
        if (Nodes.text(event, "eventTime").isEmpty()) {
            errs.required(Path.root("eventTime"), "");
        }
        String type = Nodes.text(event, "type");
        if (!type.equals("Normal") && !type.equals("Warning")) {
            errs.invalid(Path.root("type"), "", "has invalid value: " + type);
        }
        for (String f : List.of("reportingController", "reportingInstance", "action", "reason")) {
            if (Nodes.text(event, f).isEmpty()) {
                errs.required(Path.root(f), "");
            }
        }
        String controller = Nodes.text(event, "reportingController");
        if (!controller.isEmpty()) {
            errs.invalid(Path.root("reportingController"), controller, Names.qualifiedName(controller));
        }
        if (Nodes.text(event, "note").length() > 1024) {
            errs.invalid(Path.root("note"), "", "can have at most 1024 characters");
        }
    }

    static void persistentVolumeClaim(ObjectNode spec, FieldErrors errs) {
        Path p = Path.root("spec");
        if (Nodes.size(spec, "accessModes") == 0) {
            errs.required(p.child("accessModes"), "at least 1 access mode is required");
        }
        ObjectNode requests = Nodes.obj(Nodes.obj(spec, "resources"), "requests");
        if (requests == null || !requests.has("storage")) {
            errs.required(p.child("resources").key("storage"), "");
        }
    }

    static void horizontalPodAutoscaler(ObjectNode spec, FieldErrors errs) {
        Path p = Path.root("spec");
        ObjectNode ref = Nodes.obj(spec, "scaleTargetRef");
        for (String f : List.of("kind", "name")) {
            if (Nodes.text(ref, f).isEmpty()) {
                errs.required(p.child("scaleTargetRef", f), "");
            }
        }
        Long min = Nodes.integer(spec, "minReplicas");
        long max = Nodes.integer(spec, "maxReplicas") == null ? 0 : Nodes.integer(spec, "maxReplicas");
        if (min != null && min < 1) {
            errs.invalid(p.child("minReplicas"), min, "must be greater than or equal to 1");
        }
        if (max < 1) {
            errs.invalid(p.child("maxReplicas"), max, "must be greater than 0");
        }
        if (min != null && max < min) {
            errs.invalid(p.child("maxReplicas"), max, "must be greater than or equal to `minReplicas`");
        }
    }

    static void podDisruptionBudget(ObjectNode spec, FieldErrors errs) {
        Path p = Path.root("spec");
        JsonNode minAvailable = spec == null ? null : spec.get("minAvailable");
        JsonNode maxUnavailable = spec == null ? null : spec.get("maxUnavailable");
        if (minAvailable != null && maxUnavailable != null && !minAvailable.isNull() && !maxUnavailable.isNull()) {
            errs.invalid(p, new GoValue.Raw(spec.toString()), "minAvailable and maxUnavailable cannot be both set");
        }
        for (String field : List.of("minAvailable", "maxUnavailable")) {
            JsonNode value = spec == null ? null : spec.get(field);
            WorkloadValidation.intOrPercent(value, p.child(field), errs);
            WorkloadValidation.notMoreThan100Percent(value, p.child(field), errs);
        }
        String policy = Nodes.text(spec, "unhealthyPodEvictionPolicy");
        List<String> policies = List.of("IfHealthyBudget", "AlwaysAllow");
        if (!policy.isEmpty() && !policies.contains(policy)) {
            errs.notSupported(p.child("unhealthyPodEvictionPolicy"), policy, policies);
        }
        ObjectNode selector = Nodes.obj(spec, "selector");
        if (selector != null) {
            Selectors.validate(selector, p.child("selector"), errs);
        }
    }

    static void runtimeClass(ObjectNode rc, FieldErrors errs) {
        String handler = Nodes.text(rc, "handler");
        if (handler.isEmpty()) {
            errs.required(Path.root("handler"), "");
        } else {
            errs.invalid(Path.root("handler"), handler, Names.dns1123Label(handler));
        }
    }

    static void endpointSlice(ObjectNode slice, FieldErrors errs) {
        String type = Nodes.text(slice, "addressType");
        List<String> types = List.of("IPv4", "IPv6", "FQDN");
        if (type.isEmpty()) {
            errs.required(Path.root("addressType"), "");
        } else if (!types.contains(type)) {
            errs.notSupported(Path.root("addressType"), type, types);
        }
    }
}
