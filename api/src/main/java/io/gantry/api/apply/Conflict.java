package io.gantry.api.apply;

/**
 * A field an apply would change that another manager owns.
 *
 * @param manager the owner as Kubernetes prints it, e.g. {@code "kubectl" with subresource "scale" using apps/v1}
 * @param path    the field, e.g. {@code .spec.replicas}
 */
public record Conflict(String manager, FieldPath path) {
}
