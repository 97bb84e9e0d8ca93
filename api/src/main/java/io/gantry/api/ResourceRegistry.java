package io.gantry.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable set of resource types, looked up by URL coordinates or by kind. */
public final class ResourceRegistry {
    private final List<ResourceType> types;
    private final Map<String, ResourceType> byPath = new LinkedHashMap<>();
    private final Map<String, ResourceType> byKind = new LinkedHashMap<>();

    public ResourceRegistry(List<ResourceType> types) {
        this.types = List.copyOf(types);
        for (ResourceType t : this.types) {
            byPath.put(t.group() + "/" + t.version() + "/" + t.plural(), t);
            byKind.putIfAbsent(t.apiVersion() + "/" + t.kind(), t);
        }
    }

    /** The kinds Gantry serves out of the box. */
    public static ResourceRegistry builtIn() {
        return new ResourceRegistry(BuiltInTypes.all());
    }

    public List<ResourceType> all() {
        return types;
    }

    public Optional<ResourceType> byPath(String group, String version, String plural) {
        return Optional.ofNullable(byPath.get(group + "/" + version + "/" + plural));
    }

    public Optional<ResourceType> byKind(String apiVersion, String kind) {
        return Optional.ofNullable(byKind.get(apiVersion + "/" + kind));
    }

    /** Group versions in the order groups should be advertised: "" (core) first, then by first appearance. */
    public Map<String, List<String>> groupVersions() {
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (ResourceType t : types) {
            List<String> versions = result.computeIfAbsent(t.group(), g -> new ArrayList<>());
            if (!versions.contains(t.version())) {
                versions.add(t.version());
            }
        }
        return Collections.unmodifiableMap(result);
    }

    public List<ResourceType> inGroupVersion(String group, String version) {
        return types.stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    }
}
