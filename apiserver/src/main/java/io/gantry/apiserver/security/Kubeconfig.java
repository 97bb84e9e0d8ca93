package io.gantry.apiserver.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gantry.api.Json;
import io.gantry.api.files.SecureFiles;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** kubeconfig files that point kubectl (or any client-go / fabric8 client) at a Gantry cluster. */
public final class Kubeconfig {
    /** The context name kubectl users will see. */
    public static final String CONTEXT = "gantry";

    private Kubeconfig() {
    }

    /**
     * A kubeconfig with the CA embedded (so it works from any directory and machine), a bearer-token user and
     * a single context {@value #CONTEXT} that is also the current one.
     */
    public static String render(String serverUrl, String caPem, String token, String clusterName, String userName) {
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("server", serverUrl);
        cluster.put("certificate-authority-data",
                Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("cluster", clusterName);
        context.put("user", userName);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("apiVersion", "v1");
        config.put("kind", "Config");
        config.put("clusters", List.of(named(clusterName, "cluster", cluster)));
        config.put("users", List.of(named(userName, "user", Map.of("token", token))));
        config.put("contexts", List.of(named(CONTEXT, "context", context)));
        config.put("current-context", CONTEXT);
        config.put("preferences", Map.of());
        try {
            // Jackson's YAML writer quotes whatever would otherwise be misread (tokens, URLs with colons)
            return Json.YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps "name" first, as kubectl itself writes these entries. */
    private static Map<String, Object> named(String name, String key, Object value) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name);
        entry.put(key, value);
        return entry;
    }

    /** Writes a kubeconfig owner-only (0600), since it holds a token. */
    public static void write(Path file, String kubeconfig) {
        SecureFiles.writeAtomically(file, kubeconfig.getBytes(StandardCharsets.UTF_8), SecureFiles.OWNER_ONLY);
    }
}
