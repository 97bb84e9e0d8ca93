package io.gantry.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** ObjectMeta rules shared by every kind (apimachinery's ValidateObjectMeta and ValidateObjectMetaUpdate). */
final class MetaValidation {
    static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
    private static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", "orphan", "foregroundDeletion");

    private MetaValidation() {
    }

    static void validate(ObjectNode meta, boolean namespaced, NameRule rule, Path path, FieldErrors errs) {
        String name = Nodes.text(meta, "name");
        String generateName = Nodes.text(meta, "generateName");
        if (!generateName.isEmpty()) {
            errs.invalid(path.child("generateName"), generateName, rule.check(generateName, true));
        }
        if (name.isEmpty()) {
            if (generateName.isEmpty()) {
                errs.required(path.child("name"), "name or generateName is required");
            }
        } else {
            errs.invalid(path.child("name"), name, rule.check(name, false));
        }
        String namespace = Nodes.text(meta, "namespace");
        if (namespaced) {
            if (namespace.isEmpty()) {
                errs.required(path.child("namespace"), "");
            } else {
                errs.invalid(path.child("namespace"), namespace, Names.dns1123Label(namespace));
            }
        } else if (!namespace.isEmpty()) {
            errs.forbidden(path.child("namespace"), "not allowed on this type");
        }
        Long generation = Nodes.integer(meta, "generation");
        if (generation != null) {
            errs.nonNegative(path.child("generation"), generation);
        }
        labels(Nodes.stringMap(meta, "labels"), path.child("labels"), errs);
        annotations(Nodes.stringMap(meta, "annotations"), path.child("annotations"), errs);
        finalizers(Nodes.strings(meta, "finalizers"), path.child("finalizers"), errs);
    }

    static void validateUpdate(ObjectNode meta, ObjectNode old, Path path, FieldErrors errs) {
        Long generation = Nodes.integer(meta, "generation");
        Long oldGeneration = Nodes.integer(old, "generation");
        if (generation != null && oldGeneration != null && generation < oldGeneration) {
            errs.invalid(path.child("generation"), generation, "must not be decremented");
        }
        immutableText(meta, old, "name", path, errs, false);
        immutableText(meta, old, "namespace", path, errs, false);
        // The API server carries uid and creationTimestamp over from the stored object when a client omits
        // them, so only a differing value counts as a change.
        immutableText(meta, old, "uid", path, errs, true);
        String created = Nodes.text(meta, "creationTimestamp");
        String oldCreated = Nodes.text(old, "creationTimestamp");
        if (!created.isEmpty() && !created.equals(oldCreated)) {
            errs.immutable(path.child("creationTimestamp"), new GoValue.Raw(goTime(created)));
        }
        if (Nodes.has(old, "deletionTimestamp") && !Nodes.text(meta, "deletionTimestamp").isEmpty()
                && !Nodes.text(meta, "deletionTimestamp").equals(Nodes.text(old, "deletionTimestamp"))) {
            errs.immutable(path.child("deletionTimestamp"), new GoValue.Raw(goTime(Nodes.text(meta, "deletionTimestamp"))));
        }
        if (Nodes.has(old, "deletionTimestamp")) {
            List<String> oldFinalizers = Nodes.strings(old, "finalizers");
            List<String> newFinalizers = Nodes.strings(meta, "finalizers");
            if (newFinalizers != null) {
                for (String f : newFinalizers) {
                    if (oldFinalizers == null || !oldFinalizers.contains(f)) {
                        errs.forbidden(path.child("finalizers"), "no new finalizers can be added if the object is being deleted, found new finalizers "
                                + GoValue.stringSlice(newFinalizers.stream().filter(x -> oldFinalizers == null || !oldFinalizers.contains(x)).toList()).text());
                        break;
                    }
                }
            }
        }
        // Labels and annotations the stored object already had passed these rules when it was stored: most
        // updates (every status report) leave them as they were, and the rules are regular expressions per key.
        if (!Objects.equals(meta.get("labels"), old.get("labels"))) {
            labels(Nodes.stringMap(meta, "labels"), path.child("labels"), errs);
        }
        if (!Objects.equals(meta.get("annotations"), old.get("annotations"))) {
            annotations(Nodes.stringMap(meta, "annotations"), path.child("annotations"), errs);
        }
        finalizers(Nodes.strings(meta, "finalizers"), path.child("finalizers"), errs);
    }

    private static void immutableText(ObjectNode meta, ObjectNode old, String field, Path path, FieldErrors errs,
                                      boolean emptyMeansUnchanged) {
        String now = Nodes.text(meta, field);
        String before = Nodes.text(old, field);
        if (emptyMeansUnchanged && now.isEmpty()) {
            return;
        }
        if (!now.equals(before)) {
            errs.immutable(path.child(field), now);
        }
    }

    static void labels(Map<String, String> labels, Path path, FieldErrors errs) {
        if (labels == null) {
            return;
        }
        labels.forEach((k, v) -> {
            errs.invalid(path, k, Names.qualifiedName(k));
            errs.invalid(path, v, Names.labelValue(v));
        });
    }

    static void annotations(Map<String, String> annotations, Path path, FieldErrors errs) {
        if (annotations == null) {
            return;
        }
        long size = 0;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            // Annotation keys are qualified names where case does not matter.
            errs.invalid(path, e.getKey(), Names.qualifiedName(e.getKey().toLowerCase(Locale.ROOT)));
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
            errs.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT);
        }
    }

    static void finalizers(List<String> finalizers, Path path, FieldErrors errs) {
        if (finalizers == null) {
            return;
        }
        for (String f : finalizers) {
            List<String> msgs = Names.qualifiedName(f);
            errs.invalid(path, f, msgs);
            if (msgs.isEmpty() && !f.contains("/") && !STANDARD_FINALIZERS.contains(f)) {
                errs.invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified");
            }
        }
    }

    /** metav1.Time prints through Go's time.Time String(). */
    static String goTime(String rfc3339) {
        try {
            OffsetDateTime t = OffsetDateTime.parse(rfc3339).withOffsetSameInstant(ZoneOffset.UTC);
            return t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'"));
        } catch (DateTimeParseException e) {
            return rfc3339;
        }
    }

    static boolean sameJson(JsonNode a, JsonNode b) {
        if (a == null || a.isNull()) {
            return b == null || b.isNull();
        }
        return a.equals(b);
    }
}
