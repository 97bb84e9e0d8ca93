package io.gantry.api.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** metav1.LabelSelector: syntax checks, matching against labels, and its Go String() rendering. */
final class Selectors {
    private Selectors() {
    }

    static void validate(ObjectNode selector, Path path, FieldErrors errs) {
        MetaValidation.labels(Nodes.stringMap(selector, "matchLabels"), path.child("matchLabels"), errs);
        List<ObjectNode> exprs = Nodes.objects(selector, "matchExpressions");
        for (int i = 0; i < exprs.size(); i++) {
            ObjectNode e = exprs.get(i);
            Path p = path.child("matchExpressions").index(i);
            String op = Nodes.text(e, "operator");
            int values = Nodes.size(e, "values");
            switch (op) {
                case "In", "NotIn" -> {
                    if (values == 0) {
                        errs.required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'");
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values > 0) {
                        errs.forbidden(p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }
                }
                default -> errs.invalid(p.child("operator"), op, "not a valid selector operator");
            }
            errs.invalid(p.child("key"), Nodes.text(e, "key"), Names.qualifiedName(Nodes.text(e, "key")));
        }
    }

    static boolean isEmpty(ObjectNode selector) {
        Map<String, String> ml = Nodes.stringMap(selector, "matchLabels");
        return (ml == null || ml.isEmpty()) && Nodes.size(selector, "matchExpressions") == 0;
    }

    static boolean matches(ObjectNode selector, Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        Map<String, String> ml = Nodes.stringMap(selector, "matchLabels");
        if (ml != null) {
            for (Map.Entry<String, String> e : ml.entrySet()) {
                if (!e.getValue().equals(l.get(e.getKey()))) {
                    return false;
                }
            }
        }
        for (ObjectNode e : Nodes.objects(selector, "matchExpressions")) {
            String key = Nodes.text(e, "key");
            List<String> values = Nodes.strings(e, "values");
            boolean has = l.containsKey(key);
            boolean ok = switch (Nodes.text(e, "operator")) {
                case "In" -> has && values != null && values.contains(l.get(key));
                case "NotIn" -> !has || values == null || !values.contains(l.get(key));
                case "Exists" -> has;
                case "DoesNotExist" -> !has;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The generated protobuf String() of *metav1.LabelSelector, which is what field errors print. */
    static GoValue.Raw render(ObjectNode selector) {
        if (selector == null) {
            return new GoValue.Raw("nil");
        }
        StringBuilder b = new StringBuilder("&LabelSelector{MatchLabels:map[string]string{");
        Map<String, String> ml = Nodes.stringMap(selector, "matchLabels");
        if (ml != null) {
            new TreeMap<>(ml).forEach((k, v) -> b.append(k).append(": ").append(v).append(','));
        }
        b.append("},MatchExpressions:[]LabelSelectorRequirement{");
        for (ObjectNode e : Nodes.objects(selector, "matchExpressions")) {
            List<String> values = Nodes.strings(e, "values");
            b.append("LabelSelectorRequirement{Key:").append(Nodes.text(e, "key"))
                    .append(",Operator:").append(Nodes.text(e, "operator"))
                    .append(",Values:[").append(values == null ? "" : String.join(" ", values)).append("],},");
        }
        return new GoValue.Raw(b.append("},}").toString());
    }
}
