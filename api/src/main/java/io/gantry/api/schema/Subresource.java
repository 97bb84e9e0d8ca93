package io.gantry.api.schema;

import java.util.List;

/**
 * A subresource as discovery and OpenAPI advertise it: the kind its requests and responses carry
 * (which for scale, binding and eviction is not the parent's kind) and the verbs it accepts.
 *
 * @param name       e.g. {@code scale}
 * @param group      group of the kind exchanged
 * @param version    version of the kind exchanged
 * @param kind       kind exchanged, e.g. {@code Scale}
 * @param verbs      discovery verbs, e.g. get, patch, update
 * @param modelClass model of the kind exchanged
 */
public record Subresource(String name, String group, String version, String kind, List<String> verbs,
                          Class<?> modelClass) {
    public Subresource {
        verbs = List.copyOf(verbs);
    }

    public boolean sameKindAs(io.gantry.api.ResourceType parent) {
        return group.equals(parent.group()) && version.equals(parent.version()) && kind.equals(parent.kind());
    }
}
