package io.gantry.apiserver.storage;

import io.gantry.api.ResourceType;

/**
 * Where objects live in the store: {@code /registry/<resource[.group]>/<namespace>/<name>} for namespaced
 * kinds and {@code /registry/<resource[.group]>/<name>} for cluster-scoped ones, the layout Kubernetes uses in
 * etcd, so one prefix watch covers a whole kind and a namespace's objects share a prefix.
 */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    public static String typePrefix(ResourceType type) {
        return "/registry/" + type.groupResource() + "/";
    }

    /** The prefix of the objects of a type in one namespace, or of all of them when namespace is null/empty. */
    public static String prefix(ResourceType type, String namespace) {
        if (!type.namespaced() || namespace == null || namespace.isEmpty()) {
            return typePrefix(type);
        }
        return typePrefix(type) + namespace + "/";
    }

    public static String key(ResourceType type, String namespace, String name) {
        return type.namespaced() ? typePrefix(type) + namespace + "/" + name : typePrefix(type) + name;
    }
}
