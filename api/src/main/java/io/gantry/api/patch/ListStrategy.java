package io.gantry.api.patch;

import java.util.Arrays;

/**
 * The {@code patchStrategy} and {@code patchMergeKey} struct tags Kubernetes puts on a field.
 *
 * @param patchStrategy "merge", "retainKeys", "merge,retainKeys" or "replace"
 * @param mergeKey      the field that identifies an element of a merged list of objects; null for lists of
 *                      primitives and for non-list fields
 */
public record ListStrategy(String patchStrategy, String mergeKey) {
    public ListStrategy {
        if (patchStrategy == null || patchStrategy.isBlank()) {
            throw new IllegalArgumentException("patchStrategy is required");
        }
    }

    /** Lists with this strategy are merged element by element rather than replaced. */
    public boolean merges() {
        return strategies().contains("merge");
    }

    /** Maps with this strategy are replaced as a whole rather than merged. */
    public boolean replaces() {
        return strategies().contains("replace");
    }

    /** The client sends {@code $retainKeys} for this field; the server honours the directive either way. */
    public boolean retainsKeys() {
        return strategies().contains("retainKeys");
    }

    private java.util.List<String> strategies() {
        return Arrays.stream(patchStrategy.split(",")).map(String::trim).toList();
    }
}
