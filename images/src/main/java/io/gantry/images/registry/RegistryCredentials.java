package io.gantry.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.OciJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials per registry host, as Kubernetes image pull secrets carry them. Keys are normalized when parsed:
 * a scheme and path are dropped ({@code https://index.docker.io/v1/} means {@code docker.io}) and Docker Hub's
 * several names all become {@code docker.io}, the name {@link ImageReference} uses. A key may also be a
 * wildcard host such as {@code *.registry.example} (one label per {@code *}), as kubelet allows.
 */
public record RegistryCredentials(Map<String, Credential> byRegistry) {
    private static final RegistryCredentials NONE = new RegistryCredentials(Map.of());

    public RegistryCredentials {
        byRegistry = Map.copyOf(byRegistry);
    }

    public static RegistryCredentials none() {
        return NONE;
    }

    public static RegistryCredentials of(String registry, String username, String password) {
        return new RegistryCredentials(Map.of(normalizeKey(registry), new Credential(username, password)));
    }

    /**
     * Parses the content of a {@code kubernetes.io/dockerconfigjson} secret ({@code {"auths": {...}}}) or of the
     * older {@code kubernetes.io/dockercfg} (the same map without the {@code auths} wrapper). Each entry has
     * {@code auth} (base64 of {@code user:password}, which wins) or {@code username} and {@code password}.
     *
     * @throws IllegalArgumentException when the JSON is malformed; the message never contains secret material
     */
    public static RegistryCredentials parseDockerConfigJson(byte[] json) {
        JsonNode root;
        try {
            root = OciJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("pull secret is not valid JSON (.dockerconfigjson expected)");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("pull secret is not a JSON object (.dockerconfigjson expected)");
        }
        JsonNode auths = root.has("auths") ? root.get("auths") : root;
        if (!auths.isObject()) {
            throw new IllegalArgumentException("pull secret's \"auths\" is not an object");
        }
        Map<String, Credential> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            credentialOf(entry.getKey(), entry.getValue()).ifPresent(c -> result.putIfAbsent(normalizeKey(entry.getKey()), c));
        }
        return new RegistryCredentials(result);
    }

    public static RegistryCredentials parseDockerConfigJson(String json) {
        return parseDockerConfigJson(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Credential> credentialOf(String key, JsonNode entry) {
        if (!entry.isObject()) {
            throw new IllegalArgumentException("pull secret entry for \"" + key + "\" is not an object");
        }
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pull secret entry for \"" + key + "\": \"auth\" is not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("pull secret entry for \"" + key + "\": \"auth\" must encode user:password");
            }
            return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        String username = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        if (username.isEmpty() && password.isEmpty()) {
            return Optional.empty(); // e.g. only an identitytoken, which needs an OAuth2 flow we do not speak
        }
        return Optional.of(new Credential(username, password));
    }

    /** These credentials, with {@code others}' for registries not yet covered (pod secrets listed first win). */
    public RegistryCredentials merge(RegistryCredentials others) {
        Map<String, Credential> merged = new LinkedHashMap<>(byRegistry);
        others.byRegistry.forEach(merged::putIfAbsent);
        return new RegistryCredentials(merged);
    }

    /** The credential for a registry as an {@link ImageReference} names it ({@code docker.io}, {@code host:port}). */
    public Optional<Credential> forRegistry(String registry) {
        String wanted = normalizeKey(registry);
        Credential exact = byRegistry.get(wanted);
        if (exact != null) {
            return Optional.of(exact);
        }
        return byRegistry.entrySet().stream()
                .filter(e -> e.getKey().contains("*") && wildcardMatches(e.getKey(), wanted))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    public boolean isEmpty() {
        return byRegistry.isEmpty();
    }

    static String normalizeKey(String key) {
        String host = key.strip().toLowerCase(Locale.ROOT);
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            host = host.substring(scheme + 3);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "docker.io" -> ImageReference.DOCKER_HUB;
            default -> host;
        };
    }

    private static boolean wildcardMatches(String pattern, String host) {
        String[] patternLabels = pattern.split("\\.", -1);
        String[] hostLabels = host.split("\\.", -1);
        if (patternLabels.length != hostLabels.length) {
            return false;
        }
        for (int i = 0; i < patternLabels.length; i++) {
            if (!patternLabels[i].equals("*") && !patternLabels[i].equals(hostLabels[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "RegistryCredentials" + byRegistry.keySet();
    }
}
