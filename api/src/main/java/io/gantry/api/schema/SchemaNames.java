package io.gantry.api.schema;

import java.util.Set;
import java.util.regex.Pattern;

/** Maps fabric8 model classes to the schema names Kubernetes publishes (io.k8s.api.apps.v1.Deployment, ...). */
public final class SchemaNames {
    private static final String FABRIC8 = "io.fabric8.kubernetes.api.model.";
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private static final Pattern VERSION = Pattern.compile("v\\d+((alpha|beta)\\d+)?");

    /** fabric8 keeps these apimachinery types in its core package; Kubernetes names them under meta/v1. */
    private static final Set<String> META_TYPES = Set.of(
            "ObjectMeta", "ListMeta", "OwnerReference", "LabelSelector", "LabelSelectorRequirement",
            "ManagedFieldsEntry", "FieldsV1", "Status", "StatusDetails", "StatusCause", "Condition",
            "DeleteOptions", "Preconditions", "MicroTime", "Time", "Patch", "TypeMeta", "WatchEvent",
            "APIResource", "APIResourceList", "APIGroup", "APIGroupList", "APIVersions", "GroupVersionForDiscovery",
            "ServerAddressByClientCIDR", "ListOptions", "GetOptions", "CreateOptions", "UpdateOptions",
            "PatchOptions", "GroupKind", "GroupVersionKind", "GroupVersionResource", "FieldSelectorRequirement",
            "RootPaths");

    /** fabric8 packages without a version segment hold the group's v1 types. */
    private static final java.util.Map<String, String> UNVERSIONED = java.util.Map.of(
            "apps", "apps.v1",
            "rbac", "rbac.v1",
            "storage", "storage.v1",
            "runtime", "runtime");

    private SchemaNames() {
    }

    public static String of(Class<?> type) {
        String pkg = type.getPackageName();
        String simple = type.getSimpleName();
        if (!type.getName().startsWith(FABRIC8)) {
            return type.getName().replace('$', '.');
        }
        if (pkg.length() + 1 == FABRIC8.length()) {
            return (META_TYPES.contains(simple) ? META : "io.k8s.api.core.v1.") + simple;
        }
        String sub = pkg.substring(FABRIC8.length());
        if (sub.equals("runtime")) {
            return "io.k8s.apimachinery.pkg.runtime." + simple;
        }
        String last = sub.substring(sub.lastIndexOf('.') + 1);
        String k8sPackage = VERSION.matcher(last).matches() ? sub : UNVERSIONED.getOrDefault(sub, sub + ".v1");
        return "io.k8s.api." + k8sPackage + "." + simple;
    }
}
