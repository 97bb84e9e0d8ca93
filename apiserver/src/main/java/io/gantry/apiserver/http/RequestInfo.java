package io.gantry.apiserver.http;

import io.gantry.api.ApiException;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;

import java.util.Optional;

/**
 * A resource request decoded from its URL: {@code /api/v1/namespaces/NS/pods/NAME/status} or
 * {@code /apis/GROUP/VERSION/...}.
 *
 * @param namespace   "" when not given (cluster-scoped kinds, or a list across namespaces)
 * @param name        "" for collection requests
 * @param subresource "" for the resource itself
 */
public record RequestInfo(ResourceType type, String namespace, String name, String subresource) {

    public boolean collection() {
        return name.isEmpty();
    }

    /** The path without leading and trailing slashes (every request parses it: no regular expression). */
    private static String trimSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }

    /** Decodes a path below /api or /apis; empty if it is not a resource path (discovery, for example). */
    public static Optional<RequestInfo> parse(ResourceRegistry registry, String path) {
        String[] parts = trimSlashes(path).split("/");
        int i;
        String group;
        String version;
        if (parts.length >= 3 && parts[0].equals("api")) {
            group = "";
            version = parts[1];
            i = 2;
        } else if (parts.length >= 4 && parts[0].equals("apis")) {
            group = parts[1];
            version = parts[2];
            i = 3;
        } else {
            return Optional.empty();
        }
        String namespace = "";
        // "namespaces/NS/<plural>/..." scopes a namespaced request; "namespaces/NS[/status|/finalize]" is a Namespace.
        if (parts.length - i >= 3 && parts[i].equals("namespaces") && !isNamespaceSubresource(parts, i)) {
            namespace = parts[i + 1];
            i += 2;
        }
        String plural = parts[i];
        ResourceType type = registry.byPath(group, version, plural).orElseThrow(() -> ApiException.notFound(
                "the server could not find the requested resource"));
        String name = parts.length > i + 1 ? parts[i + 1] : "";
        String sub = parts.length > i + 2 ? parts[i + 2] : "";
        if (parts.length > i + 3 || (!sub.isEmpty() && !type.hasSubresource(sub))) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
        if (type.namespaced() && namespace.isEmpty() && !name.isEmpty()) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
        if (!type.namespaced() && !namespace.isEmpty()) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
        return Optional.of(new RequestInfo(type, namespace, name, sub));
    }

    private static boolean isNamespaceSubresource(String[] parts, int i) {
        return parts.length - i == 3 && (parts[i + 2].equals("status") || parts[i + 2].equals("finalize"));
    }
}
