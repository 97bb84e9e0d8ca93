package io.gantry.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** apps/v1 and batch/v1 workload specs (pkg/apis/apps/validation, pkg/apis/batch/validation). */
final class WorkloadValidation {
    private static final Path SPEC = Path.root("spec");
    private static final String SELECTOR_MISMATCH = "`selector` does not match template `labels`";
    private static final Set<String> STATEFULSET_MUTABLE = Set.of("replicas", "ordinals", "template", "updateStrategy",
            "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds");

    private WorkloadValidation() {
    }

    // ---- shared pieces ----

    /**
     * A StatefulSet's containers may mount its volumeClaimTemplates by name: the controller adds those volumes to
     * each pod. Validate the template as the pods will be, with a volume per claim template.
     */
    private static ObjectNode withClaimVolumes(ObjectNode spec, ObjectNode template) {
        List<ObjectNode> claims = Nodes.objects(spec, "volumeClaimTemplates");
        if (claims.isEmpty() || template == null || !(template.path("spec") instanceof ObjectNode)) {
            return template;
        }
        ObjectNode copy = template.deepCopy();
        var volumes = ((ObjectNode) copy.path("spec")).withArray("volumes");
        for (ObjectNode claim : claims) {
            String name = claim.path("metadata").path("name").asText("");
            boolean present = false;
            for (var v : volumes) {
                present |= name.equals(v.path("name").asText());
            }
            if (!name.isEmpty() && !present) {
                volumes.addObject().put("name", name).putObject("persistentVolumeClaim").put("claimName", name);
            }
        }
        return copy;
    }

    /** Selector required, well formed, non-empty, and matching the template's labels; then the template. */
    private static void selectorAndTemplate(ObjectNode spec, String kindWord, FieldErrors errs) {
        ObjectNode selector = Nodes.obj(spec, "selector");
        ObjectNode template = Nodes.obj(spec, "template");
        if (selector == null) {
            errs.required(SPEC.child("selector"), "");
        } else {
            Selectors.validate(selector, SPEC.child("selector"), errs);
            if (Selectors.isEmpty(selector)) {
                errs.invalid(SPEC.child("selector"), Selectors.render(selector), "empty selector is invalid for " + kindWord);
            } else if (template != null) {
                Map<String, String> labels = Nodes.stringMap(Nodes.obj(template, "metadata"), "labels");
                if (!Selectors.matches(selector, labels)) {
                    errs.invalid(SPEC.child("template", "metadata", "labels"), GoValue.stringMap(labels), SELECTOR_MISMATCH);
                }
            }
        }
        PodValidation.template(withClaimVolumes(spec, template), SPEC.child("template"), errs);
        ObjectNode podSpec = Nodes.obj(template, "spec");
        if (template != null) {
            String restart = Nodes.text(podSpec, "restartPolicy");
            if (!restart.equals("Always")) {
                errs.notSupported(SPEC.child("template", "spec", "restartPolicy"), restart, List.of("Always"));
            }
            if (Nodes.has(podSpec, "activeDeadlineSeconds")) {
                errs.forbidden(SPEC.child("template", "spec", "activeDeadlineSeconds"),
                        "activeDeadlineSeconds in " + ("deployment".equals(kindWord) ? "ReplicaSet" : kindWord)
                                + " is not Supported");
            }
        }
    }

    private static void nonNegative(ObjectNode spec, String field, Path path, FieldErrors errs) {
        Long v = Nodes.integer(spec, field);
        if (v != null) {
            errs.nonNegative(path.child(field), v);
        }
    }

    private static GoValue.Raw intOrString(JsonNode v) {
        return new GoValue.Raw(v == null || v.isNull() ? "0" : v.asText());
    }

    /** An IntOrString that must be a non-negative number or a percentage (ValidatePositiveIntOrPercent). */
    static void intOrPercent(JsonNode v, Path path, FieldErrors errs) {
        if (v == null || v.isNull()) {
            return;
        }
        if (v.isNumber()) {
            errs.nonNegative(path, v.asLong());
        } else {
            errs.invalid(path, intOrString(v), Names.percent(v.asText()));
        }
    }

    private static boolean isZero(JsonNode v) {
        if (v == null || v.isNull()) {
            return true;
        }
        if (v.isNumber()) {
            return v.asLong() == 0;
        }
        String s = v.asText();
        return s.equals("0%") || s.equals("0");
    }

    static void notMoreThan100Percent(JsonNode v, Path path, FieldErrors errs) {
        if (v != null && v.isTextual() && v.asText().endsWith("%")) {
            try {
                if (Integer.parseInt(v.asText().substring(0, v.asText().length() - 1)) > 100) {
                    errs.invalid(path, intOrString(v), "must not be greater than 100%");
                }
            } catch (NumberFormatException ignored) {
                // reported by the percent syntax check
            }
        }
    }

    private static void rollingUpdate(ObjectNode ru, Path path, FieldErrors errs) {
        JsonNode maxUnavailable = ru.get("maxUnavailable");
        JsonNode maxSurge = ru.get("maxSurge");
        intOrPercent(maxUnavailable, path.child("maxUnavailable"), errs);
        intOrPercent(maxSurge, path.child("maxSurge"), errs);
        if (isZero(maxUnavailable) && isZero(maxSurge)) {
            errs.invalid(path.child("maxUnavailable"), intOrString(maxUnavailable), "may not be 0 when `maxSurge` is 0");
        }
        notMoreThan100Percent(maxUnavailable, path.child("maxUnavailable"), errs);
    }

    private static void selectorImmutable(ObjectNode spec, ObjectNode oldSpec, FieldErrors errs) {
        ObjectNode selector = Nodes.obj(spec, "selector");
        if (!MetaValidation.sameJson(selector, Nodes.obj(oldSpec, "selector"))) {
            errs.immutable(SPEC.child("selector"), Selectors.render(selector));
        }
    }

    // ---- apps/v1 ----

    static void deployment(ObjectNode spec, FieldErrors errs) {
        nonNegative(spec, "replicas", SPEC, errs);
        selectorAndTemplate(spec, "deployment", errs);
        ObjectNode strategy = Nodes.obj(spec, "strategy");
        String type = Nodes.text(strategy, "type");
        ObjectNode ru = Nodes.obj(strategy, "rollingUpdate");
        Path sp = SPEC.child("strategy");
        switch (type) {
            case "Recreate" -> {
                if (ru != null) {
                    errs.forbidden(sp.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'");
                }
            }
            case "RollingUpdate" -> {
                if (ru == null) {
                    errs.required(sp.child("rollingUpdate"), "this should be defaulted and never be nil");
                } else {
                    rollingUpdate(ru, sp.child("rollingUpdate"), errs);
                }
            }
            default -> errs.notSupported(sp, new GoValue.Raw("apps.DeploymentStrategy{Type:" + GoValue.quote(type)
                    + ", RollingUpdate:(*apps.RollingUpdateDeployment)(" + (ru == null ? "nil" : "0xc000000000") + ")}"),
                    List.of("Recreate", "RollingUpdate"));
        }
        nonNegative(spec, "minReadySeconds", SPEC, errs);
        nonNegative(spec, "revisionHistoryLimit", SPEC, errs);
        Long progress = Nodes.integer(spec, "progressDeadlineSeconds");
        if (progress != null) {
            errs.nonNegative(SPEC.child("progressDeadlineSeconds"), progress);
            long minReady = Nodes.integer(spec, "minReadySeconds") == null ? 0 : Nodes.integer(spec, "minReadySeconds");
            if (progress <= minReady) {
                errs.invalid(SPEC.child("progressDeadlineSeconds"), progress, "must be greater than minReadySeconds");
            }
        }
    }

    static void replicaSet(ObjectNode spec, FieldErrors errs) {
        nonNegative(spec, "replicas", SPEC, errs);
        nonNegative(spec, "minReadySeconds", SPEC, errs);
        selectorAndTemplate(spec, "deployment", errs);
    }

    static void statefulSet(ObjectNode spec, FieldErrors errs) {
        String policy = Nodes.text(spec, "podManagementPolicy");
        if (!policy.equals("OrderedReady") && !policy.equals("Parallel")) {
            errs.invalid(SPEC.child("podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'");
        }
        ObjectNode strategy = Nodes.obj(spec, "updateStrategy");
        String type = Nodes.text(strategy, "type");
        Path sp = SPEC.child("updateStrategy");
        switch (type) {
            case "OnDelete" -> {
                if (Nodes.has(strategy, "rollingUpdate")) {
                    errs.invalid(sp.child("rollingUpdate"), new GoValue.Raw(Nodes.obj(strategy, "rollingUpdate").toString()),
                            "only allowed for updateStrategy 'RollingUpdate'");
                }
            }
            case "RollingUpdate" -> {
                ObjectNode ru = Nodes.obj(strategy, "rollingUpdate");
                nonNegative(ru, "partition", sp.child("rollingUpdate"), errs);
                if (ru != null && ru.has("maxUnavailable")) {
                    intOrPercent(ru.get("maxUnavailable"), sp.child("rollingUpdate", "maxUnavailable"), errs);
                    if (isZero(ru.get("maxUnavailable"))) {
                        errs.invalid(sp.child("rollingUpdate", "maxUnavailable"), intOrString(ru.get("maxUnavailable")),
                                "must be greater than 0");
                    }
                }
            }
            default -> errs.invalid(sp, type, "must be 'RollingUpdate' or 'OnDelete'");
        }
        ObjectNode retention = Nodes.obj(spec, "persistentVolumeClaimRetentionPolicy");
        if (retention != null) {
            for (String f : List.of("whenDeleted", "whenScaled")) {
                String v = Nodes.text(retention, f);
                if (!v.equals("Retain") && !v.equals("Delete")) {
                    errs.notSupported(SPEC.child("persistentVolumeClaimRetentionPolicy", f), v, List.of("Retain", "Delete"));
                }
            }
        }
        nonNegative(spec, "replicas", SPEC, errs);
        nonNegative(spec, "minReadySeconds", SPEC, errs);
        nonNegative(spec, "revisionHistoryLimit", SPEC, errs);
        String serviceName = Nodes.text(spec, "serviceName");
        if (!serviceName.isEmpty()) {
            errs.invalid(SPEC.child("serviceName"), serviceName, Names.dns1123Label(serviceName));
        }
        selectorAndTemplate(spec, "statefulset", errs);
    }

    static void daemonSet(ObjectNode spec, FieldErrors errs) {
        selectorAndTemplate(spec, "daemonset", errs);
        nonNegative(spec, "minReadySeconds", SPEC, errs);
        nonNegative(spec, "revisionHistoryLimit", SPEC, errs);
        ObjectNode strategy = Nodes.obj(spec, "updateStrategy");
        String type = Nodes.text(strategy, "type");
        Path sp = SPEC.child("updateStrategy");
        switch (type) {
            case "OnDelete" -> {
            }
            case "RollingUpdate" -> {
                ObjectNode ru = Nodes.obj(strategy, "rollingUpdate");
                if (ru == null) {
                    errs.required(sp.child("rollingUpdate"), "");
                } else {
                    rollingUpdate(ru, sp.child("rollingUpdate"), errs);
                }
            }
            default -> errs.notSupported(sp.child("type"), type, List.of("RollingUpdate", "OnDelete"));
        }
    }

    static void appsUpdate(String kind, ObjectNode spec, ObjectNode oldSpec, FieldErrors errs) {
        if (kind.equals("StatefulSet")) {
            ObjectNode a = spec == null ? Validator.EMPTY.deepCopy() : spec.deepCopy();
            ObjectNode b = oldSpec == null ? Validator.EMPTY.deepCopy() : oldSpec.deepCopy();
            STATEFULSET_MUTABLE.forEach(f -> {
                a.remove(f);
                b.remove(f);
            });
            if (!a.equals(b)) {
                errs.forbidden(SPEC, "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                        + "'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
                        + "and 'minReadySeconds' are forbidden");
            }
        } else {
            selectorImmutable(spec, oldSpec, errs);
        }
    }

    // ---- batch/v1 ----

    static void job(ObjectNode spec, FieldErrors errs) {
        jobSpec(spec, SPEC, errs);
    }

    static void jobSpec(ObjectNode spec, Path path, FieldErrors errs) {
        for (String f : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes")) {
            nonNegative(spec, f, path, errs);
        }
        ObjectNode selector = Nodes.obj(spec, "selector");
        ObjectNode template = Nodes.obj(spec, "template");
        if (Nodes.bool(spec, "manualSelector") && selector == null) {
            errs.required(path.child("selector"), "");
        }
        if (selector != null) {
            Selectors.validate(selector, path.child("selector"), errs);
            Map<String, String> labels = Nodes.stringMap(Nodes.obj(template, "metadata"), "labels");
            if (!Selectors.isEmpty(selector) && !Selectors.matches(selector, labels)) {
                errs.invalid(path.child("template", "metadata", "labels"), GoValue.stringMap(labels), SELECTOR_MISMATCH);
            }
        }
        String mode = Nodes.text(spec, "completionMode");
        if (!mode.isEmpty() && !mode.equals("NonIndexed") && !mode.equals("Indexed")) {
            errs.notSupported(path.child("completionMode"), mode, List.of("NonIndexed", "Indexed"));
        }
        if (mode.equals("Indexed") && !Nodes.has(spec, "completions")) {
            errs.required(path.child("completions"), "when completion mode is Indexed");
        }
        String replacement = Nodes.text(spec, "podReplacementPolicy");
        if (!replacement.isEmpty() && !replacement.equals("TerminatingOrFailed") && !replacement.equals("Failed")) {
            errs.notSupported(path.child("podReplacementPolicy"), replacement, List.of("Failed", "TerminatingOrFailed"));
        }
        PodValidation.template(template, path.child("template"), errs);
        if (template != null) {
            String restart = Nodes.text(Nodes.obj(template, "spec"), "restartPolicy");
            if (!restart.equals("OnFailure") && !restart.equals("Never")) {
                errs.notSupported(path.child("template", "spec", "restartPolicy"), restart, List.of("OnFailure", "Never"));
            }
        }
    }

    static void jobUpdate(ObjectNode spec, ObjectNode oldSpec, FieldErrors errs) {
        selectorImmutable(spec, oldSpec, errs);
        if (!Nodes.text(spec, "completionMode").equals(Nodes.text(oldSpec, "completionMode"))) {
            errs.immutable(SPEC.child("completionMode"), Nodes.text(spec, "completionMode"));
        }
        Long completions = Nodes.integer(spec, "completions");
        boolean elastic = "Indexed".equals(Nodes.text(spec, "completionMode"))
                && MetaValidation.sameJson(spec.get("completions"), spec.get("parallelism"));
        if (!elastic && !MetaValidation.sameJson(spec.get("completions"), oldSpec == null ? null : oldSpec.get("completions"))) {
            errs.immutable(SPEC.child("completions"), completions == null ? new GoValue.Raw("null") : completions);
        }
        ObjectNode template = Nodes.obj(spec, "template");
        // A suspended job that never started may change its template (scheduling directives and all).
        if (!MetaValidation.sameJson(template, Nodes.obj(oldSpec, "template")) && !Nodes.bool(oldSpec, "suspend")) {
            errs.immutable(SPEC.child("template"), new GoValue.Raw("core.PodTemplateSpec" + (template == null ? "{}" : template)));
        }
    }

    static void cronJob(String name, ObjectNode spec, FieldErrors errs) {
        if (name.length() > 52) {
            errs.invalid(Path.root("metadata").child("name"), name, "must be no more than 52 characters");
        }
        String schedule = Nodes.text(spec, "schedule");
        if (schedule.isEmpty()) {
            errs.required(SPEC.child("schedule"), "");
        } else if (schedule.contains("TZ")) {
            errs.invalid(SPEC.child("schedule"), schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        } else {
            CronSchedule.check(schedule).ifPresent(e -> errs.invalid(SPEC.child("schedule"), schedule, e));
        }
        String policy = Nodes.text(spec, "concurrencyPolicy");
        List<String> policies = List.of("Allow", "Forbid", "Replace");
        if (policy.isEmpty()) {
            errs.required(SPEC.child("concurrencyPolicy"), "");
        } else if (!policies.contains(policy)) {
            errs.notSupported(SPEC.child("concurrencyPolicy"), policy, policies);
        }
        String timeZone = Nodes.text(spec, "timeZone");
        if (Nodes.has(spec, "timeZone")) {
            try {
                if (timeZone.isEmpty() || timeZone.equalsIgnoreCase("local")) {
                    throw new java.time.DateTimeException("unknown");
                }
                java.time.ZoneId.of(timeZone);
            } catch (java.time.DateTimeException e) {
                errs.invalid(SPEC.child("timeZone"), timeZone, "unknown time zone " + timeZone);
            }
        }
        for (String f : List.of("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit")) {
            nonNegative(spec, f, SPEC, errs);
        }
        ObjectNode jobTemplate = Nodes.obj(spec, "jobTemplate");
        ObjectNode meta = Nodes.obj(jobTemplate, "metadata");
        Path jt = SPEC.child("jobTemplate");
        MetaValidation.labels(Nodes.stringMap(meta, "labels"), jt.child("metadata", "labels"), errs);
        MetaValidation.annotations(Nodes.stringMap(meta, "annotations"), jt.child("metadata", "annotations"), errs);
        ObjectNode jobSpec = Nodes.obj(jobTemplate, "spec");
        jobSpec(jobSpec == null ? Validator.EMPTY : jobSpec, jt.child("spec"), errs);
    }
}
