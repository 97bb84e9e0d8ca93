package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.validation.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet builds it: the image's variables, then {@code envFrom} sources in
 * order, then {@code env} entries (later wins), with {@code $(VAR)} references to variables defined before
 * expanded ({@code $$} escapes, unknown references stay as written) and {@code valueFrom} resolved from the pod,
 * its node, ConfigMaps and Secrets.
 */
final class EnvResolver {
    private static final Pattern FIELD_KEY = Pattern.compile("metadata\\.(labels|annotations)\\['([^']*)'\\]");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    /** Reads ConfigMaps and Secrets of the pod's namespace. */
    interface Sources {
        Optional<ObjectNode> configMap(String name);

        Optional<ObjectNode> secret(String name);
    }

    /** A reference that cannot be resolved: the container cannot start (CreateContainerConfigError). */
    static final class ConfigException extends RuntimeException {
        ConfigException(String message) {
            super(message);
        }
    }

    private final ObjectNode pod;
    private final Sources sources;
    private final String hostIp;
    private final String podIp;
    private final Map<String, String> nodeAllocatable;

    EnvResolver(ObjectNode pod, Sources sources, String hostIp, String podIp, Map<String, String> nodeAllocatable) {
        this.pod = pod;
        this.sources = sources;
        this.hostIp = hostIp;
        this.podIp = podIp;
        this.nodeAllocatable = nodeAllocatable;
    }

    /** The environment as "NAME=value" entries, the image's first. */
    List<String> resolve(List<String> imageEnv, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : imageEnv) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                env.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        Map<String, String> defined = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String prefix = from.path("prefix").asText("");
            if (from.has("configMapRef")) {
                Optional<ObjectNode> cm = sources.configMap(from.path("configMapRef").path("name").asText());
                if (cm.isEmpty()) {
                    requireOptional(from.path("configMapRef"), "configmap", from.path("configMapRef").path("name").asText());
                    continue;
                }
                cm.get().path("data").properties().forEach(e -> putValid(defined, prefix + e.getKey(), e.getValue().asText()));
            } else if (from.has("secretRef")) {
                Optional<ObjectNode> secret = sources.secret(from.path("secretRef").path("name").asText());
                if (secret.isEmpty()) {
                    requireOptional(from.path("secretRef"), "secret", from.path("secretRef").path("name").asText());
                    continue;
                }
                secret.get().path("data").properties().forEach(e -> putValid(defined, prefix + e.getKey(),
                        decode(e.getValue().asText())));
            }
        }
        for (JsonNode var : container.path("env")) {
            String name = var.path("name").asText();
            String value;
            if (var.has("valueFrom")) {
                Optional<String> resolved = valueFrom(var.path("valueFrom"), container);
                if (resolved.isEmpty()) {
                    continue;
                }
                value = resolved.get();
            } else {
                value = expand(var.path("value").asText(""), defined);
            }
            defined.put(name, value);
        }
        env.putAll(defined);
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static void putValid(Map<String, String> into, String name, String value) {
        // the kubelet skips keys that are not valid variable names (and reports them in an event)
        if (ENV_NAME.matcher(name).matches()) {
            into.put(name, value);
        }
    }

    private static void requireOptional(JsonNode ref, String kind, String name) {
        if (!ref.path("optional").asBoolean(false)) {
            throw new ConfigException(kind + " \"" + name + "\" not found");
        }
    }

    private Optional<String> valueFrom(JsonNode from, JsonNode container) {
        if (from.has("fieldRef")) {
            return Optional.of(field(from.path("fieldRef").path("fieldPath").asText()));
        }
        if (from.has("resourceFieldRef")) {
            return Optional.of(resource(from.path("resourceFieldRef"), container));
        }
        if (from.has("configMapKeyRef")) {
            JsonNode ref = from.path("configMapKeyRef");
            String name = ref.path("name").asText();
            String key = ref.path("key").asText();
            Optional<ObjectNode> cm = sources.configMap(name);
            JsonNode value = cm.map(c -> c.path("data").get(key)).orElse(null);
            if (value == null) {
                if (ref.path("optional").asBoolean(false)) {
                    return Optional.empty();
                }
                throw new ConfigException(cm.isEmpty() ? "configmap \"" + name + "\" not found"
                        : "couldn't find key " + key + " in ConfigMap " + pod.path("metadata").path("namespace").asText()
                        + "/" + name);
            }
            return Optional.of(value.asText());
        }
        if (from.has("secretKeyRef")) {
            JsonNode ref = from.path("secretKeyRef");
            String name = ref.path("name").asText();
            String key = ref.path("key").asText();
            Optional<ObjectNode> secret = sources.secret(name);
            JsonNode value = secret.map(s -> s.path("data").get(key)).orElse(null);
            if (value == null) {
                if (ref.path("optional").asBoolean(false)) {
                    return Optional.empty();
                }
                throw new ConfigException(secret.isEmpty() ? "secret \"" + name + "\" not found"
                        : "couldn't find key " + key + " in Secret " + pod.path("metadata").path("namespace").asText()
                        + "/" + name);
            }
            return Optional.of(decode(value.asText()));
        }
        return Optional.of("");
    }

    String field(String path) {
        JsonNode meta = pod.path("metadata");
        Matcher m = FIELD_KEY.matcher(path);
        if (m.matches()) {
            return meta.path(m.group(1)).path(m.group(2)).asText("");
        }
        return switch (path) {
            case "metadata.name" -> meta.path("name").asText();
            case "metadata.namespace" -> meta.path("namespace").asText();
            case "metadata.uid" -> meta.path("uid").asText();
            case "spec.nodeName" -> pod.path("spec").path("nodeName").asText();
            case "spec.serviceAccountName" -> pod.path("spec").path("serviceAccountName").asText("default");
            case "status.hostIP", "status.hostIPs" -> hostIp;
            case "status.podIP", "status.podIPs" -> podIp == null ? "" : podIp;
            default -> throw new ConfigException("unsupported fieldPath " + path);
        };
    }

    private String resource(JsonNode ref, JsonNode container) {
        String resourceName = ref.path("resource").asText();
        JsonNode target = container;
        String containerName = ref.path("containerName").asText("");
        if (!containerName.isEmpty()) {
            target = null;
            for (JsonNode c : pod.path("spec").path("containers")) {
                if (c.path("name").asText().equals(containerName)) {
                    target = c;
                }
            }
            if (target == null) {
                throw new ConfigException("container " + containerName + " not found for resourceFieldRef");
            }
        }
        String[] parts = resourceName.split("\\.", 2);
        if (parts.length != 2) {
            throw new ConfigException("unsupported resource " + resourceName);
        }
        JsonNode set = target.path("resources").path(parts[0]);
        String quantity = set.path(parts[1]).asText("");
        if (quantity.isEmpty() && parts[0].equals("requests")) {
            quantity = target.path("resources").path("limits").path(parts[1]).asText("");
        }
        if (quantity.isEmpty()) {
            quantity = nodeAllocatable.getOrDefault(parts[1], "0");
        }
        BigDecimal value = quantity(quantity);
        BigDecimal divisor = quantity(ref.path("divisor").asText("1"));
        if (divisor.signum() == 0) {
            divisor = BigDecimal.ONE;
        }
        return value.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }

    private static BigDecimal quantity(String text) {
        return Quantity.parse(text).orElseThrow(() -> new ConfigException("invalid quantity " + text));
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Kubernetes' $(VAR) expansion: defined names are replaced, $$ becomes $, anything else stays. */
    static String expand(String value, Map<String, String> defined) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length()) {
                char next = value.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i++;
                    continue;
                }
                if (next == '(') {
                    int close = value.indexOf(')', i + 2);
                    if (close > 0) {
                        String name = value.substring(i + 2, close);
                        String v = defined.get(name);
                        if (v != null) {
                            out.append(v);
                        } else {
                            out.append(value, i, close + 1);
                        }
                        i = close;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
