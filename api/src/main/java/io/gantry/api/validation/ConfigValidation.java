package io.gantry.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** ConfigMap and Secret: key syntax, the 1 MiB size limit, secret types and immutability. */
final class ConfigValidation {
    static final int MAX_SIZE = 1024 * 1024;
    private static final String IMMUTABLE_DETAIL = "field is immutable when `immutable` is set";

    private ConfigValidation() {
    }

    static void configMap(ObjectNode cm, FieldErrors errs) {
        long size = 0;
        Map<String, String> data = Nodes.stringMap(cm, "data");
        Map<String, String> binary = Nodes.stringMap(cm, "binaryData");
        if (data != null) {
            for (Map.Entry<String, String> e : data.entrySet()) {
                Path p = Path.root("data").key(e.getKey());
                errs.invalid(p, e.getKey(), Names.configMapKey(e.getKey()));
                if (binary != null && binary.containsKey(e.getKey())) {
                    errs.invalid(p, e.getKey(), "duplicate of key present in binaryData");
                }
                size += e.getValue().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (binary != null) {
            for (Map.Entry<String, String> e : binary.entrySet()) {
                Path p = Path.root("binaryData").key(e.getKey());
                errs.invalid(p, e.getKey(), Names.configMapKey(e.getKey()));
                if (data != null && data.containsKey(e.getKey())) {
                    errs.invalid(p, e.getKey(), "duplicate of key present in data");
                }
                size += decodedLength(e.getValue());
            }
        }
        if (size > MAX_SIZE) {
            // Kubernetes reports the whole-object size on a path that prints as "[]".
            errs.tooLong(Path.root("[]"), MAX_SIZE);
        }
    }

    static void secret(ObjectNode secret, FieldErrors errs) {
        Map<String, String> data = Nodes.stringMap(secret, "data");
        long size = 0;
        if (data != null) {
            for (Map.Entry<String, String> e : data.entrySet()) {
                errs.invalid(Path.root("data").key(e.getKey()), e.getKey(), Names.configMapKey(e.getKey()));
                size += decodedLength(e.getValue());
            }
        }
        Map<String, String> stringData = Nodes.stringMap(secret, "stringData");
        if (stringData != null) {
            for (Map.Entry<String, String> e : stringData.entrySet()) {
                errs.invalid(Path.root("stringData").key(e.getKey()), e.getKey(), Names.configMapKey(e.getKey()));
                size += e.getValue().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (size > MAX_SIZE) {
            errs.tooLong(Path.root("data"), MAX_SIZE);
        }
        String type = Nodes.text(secret, "type");
        Map<String, String> annotations = Nodes.stringMap(Nodes.obj(secret, "metadata"), "annotations");
        java.util.function.Predicate<String> hasKey = k -> (data != null && data.containsKey(k))
                || (stringData != null && stringData.containsKey(k));
        switch (type) {
            case "kubernetes.io/service-account-token" -> {
                if (annotations == null || annotations.getOrDefault("kubernetes.io/service-account.name", "").isEmpty()) {
                    errs.required(Path.root("metadata").child("annotations").key("kubernetes.io/service-account.name"), "");
                }
            }
            case "kubernetes.io/dockercfg" -> requireKey(hasKey, ".dockercfg", errs);
            case "kubernetes.io/dockerconfigjson" -> requireKey(hasKey, ".dockerconfigjson", errs);
            case "kubernetes.io/basic-auth" -> {
                if (!hasKey.test("username") && !hasKey.test("password")) {
                    errs.required(Path.root("data").key("username"), "");
                    errs.required(Path.root("data").key("password"), "");
                }
            }
            case "kubernetes.io/ssh-auth" -> requireKey(hasKey, "ssh-privatekey", errs);
            case "kubernetes.io/tls" -> {
                requireKey(hasKey, "tls.key", errs);
                requireKey(hasKey, "tls.crt", errs);
            }
            default -> {
                if (type.isEmpty()) {
                    errs.required(Path.root("type"), "");
                }
            }
        }
    }

    private static void requireKey(java.util.function.Predicate<String> hasKey, String key, FieldErrors errs) {
        if (!hasKey.test(key)) {
            errs.required(Path.root("data").key(key), "");
        }
    }

    /** Shared by ConfigMap and Secret: `immutable: true` freezes the data and cannot be undone. */
    static void update(String kind, ObjectNode obj, ObjectNode old, FieldErrors errs) {
        if (kind.equals("Secret") && !Nodes.text(obj, "type").equals(Nodes.text(old, "type"))) {
            errs.immutable(Path.root("type"), Nodes.text(obj, "type"));
        }
        if (Nodes.bool(old, "immutable")) {
            if (!Nodes.bool(obj, "immutable")) {
                errs.forbidden(Path.root("immutable"), IMMUTABLE_DETAIL);
            }
            List<String> fields = kind.equals("Secret") ? List.of("data") : List.of("data", "binaryData");
            for (String f : fields) {
                if (!MetaValidation.sameJson(nonEmpty(obj.get(f)), nonEmpty(old.get(f)))) {
                    errs.forbidden(Path.root(f), IMMUTABLE_DETAIL);
                }
            }
        }
    }

    private static JsonNode nonEmpty(JsonNode n) {
        return n == null || n.isNull() || n.isEmpty() ? null : n;
    }

    private static long decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length();
        }
    }
}
