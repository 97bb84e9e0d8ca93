package io.gantry.api.apply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A path from the root of an object to one field, list item or set member. Immutable; its hash is computed once,
 * as paths are the keys of the maps and sets every write builds for managedFields.
 */
public final class FieldPath implements Comparable<FieldPath> {
    public static final FieldPath ROOT = new FieldPath(new PathElement[0]);

    private final PathElement[] elements;
    private final int hash;

    private FieldPath(PathElement[] elements) {
        this.elements = elements;
        this.hash = Arrays.hashCode(elements);
    }

    public FieldPath(List<PathElement> elements) {
        this(elements.toArray(new PathElement[0]));
    }

    /** A path of plain field names, e.g. {@code FieldPath.of("spec", "replicas")}. */
    public static FieldPath of(String... fields) {
        List<PathElement> elements = new ArrayList<>();
        for (String f : fields) {
            elements.add(new PathElement.Field(f));
        }
        return new FieldPath(elements);
    }

    /** The elements from the root down (an unmodifiable view). */
    public List<PathElement> elements() {
        return Collections.unmodifiableList(Arrays.asList(elements));
    }

    public FieldPath child(PathElement element) {
        PathElement[] longer = Arrays.copyOf(elements, elements.length + 1);
        longer[elements.length] = element;
        return new FieldPath(longer);
    }

    public FieldPath field(String name) {
        return child(new PathElement.Field(name));
    }

    /** How many elements the path has. */
    int length() {
        return elements.length;
    }

    /** The element at {@code index}, 0 being the one below the root. */
    PathElement element(int index) {
        return elements[index];
    }

    /** How many leading elements this path and {@code other} have in common. */
    int commonPrefixLength(FieldPath other) {
        int n = Math.min(elements.length, other.elements.length);
        for (int i = 0; i < n; i++) {
            if (elements[i] != other.elements[i] && !elements[i].equals(other.elements[i])) {
                return i;
            }
        }
        return n;
    }

    public boolean isRoot() {
        return elements.length == 0;
    }

    public FieldPath parent() {
        return new FieldPath(Arrays.copyOf(elements, elements.length - 1));
    }

    public PathElement last() {
        return elements[elements.length - 1];
    }

    /** Whether this path is {@code prefix} or lies below it. */
    public boolean startsWith(FieldPath prefix) {
        return elements.length >= prefix.elements.length
                && Arrays.equals(elements, 0, prefix.elements.length, prefix.elements, 0, prefix.elements.length);
    }

    @Override
    public int compareTo(FieldPath other) {
        for (int i = 0; i < Math.min(elements.length, other.elements.length); i++) {
            if (elements[i] == other.elements[i]) {
                // paths built below a common parent share its elements: most of a comparison is this
                continue;
            }
            int c = elements[i].compareTo(other.elements[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(elements.length, other.elements.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath p && hash == p.hash && Arrays.equals(elements, p.elements);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** As Kubernetes prints paths in conflicts: {@code .spec.template.spec.containers[name="web"].image}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (PathElement e : elements) {
            s.append(e.pathText());
        }
        return s.toString();
    }
}
