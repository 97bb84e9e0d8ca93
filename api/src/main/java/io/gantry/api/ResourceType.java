package io.gantry.api;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Set;

/**
 * Everything the API server needs to know to serve one kind of resource generically.
 *
 * @param group         API group ("" for the core group)
 * @param version       API version within the group
 * @param kind          object kind, e.g. {@code Deployment}
 * @param plural        URL path segment, e.g. {@code deployments}
 * @param singular      singular name, e.g. {@code deployment}
 * @param shortNames    short names kubectl accepts, e.g. {@code deploy}
 * @param categories    categories such as {@code all}
 * @param namespaced    whether objects live in a namespace
 * @param subresources  subresources served, e.g. {@code status}, {@code scale}
 * @param fieldSelectors field paths usable in field selectors besides metadata.name and metadata.namespace
 * @param modelClass    the typed model used where the server must understand the object
 */
public record ResourceType(
        String group,
        String version,
        String kind,
        String plural,
        String singular,
        List<String> shortNames,
        List<String> categories,
        boolean namespaced,
        Set<String> subresources,
        Set<String> fieldSelectors,
        Class<? extends HasMetadata> modelClass) {

    /** {@code v1} for the core group, {@code group/version} otherwise. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code plural} for the core group, {@code plural.group} otherwise (as in "deployments.apps"). */
    public String groupResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    public String listKind() {
        return kind + "List";
    }

    public boolean hasSubresource(String name) {
        return subresources.contains(name);
    }
}
