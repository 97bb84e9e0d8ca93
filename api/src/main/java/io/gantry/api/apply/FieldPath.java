package io.gantry.api.apply;

import java.util.ArrayList;
import java.util.List;

/** A path from the root of an object to one field, list item or set member. */
public record FieldPath(List<PathElement> elements) implements Comparable<FieldPath> {
    public static final FieldPath ROOT = new FieldPath(List.of());

    public FieldPath {
        elements = List.copyOf(elements);
    }

    /** A path of plain field names, e.g. {@code FieldPath.of("spec", "replicas")}. */
    public static FieldPath of(String... fields) {
        List<PathElement> elements = new ArrayList<>();
        for (String f : fields) {
            elements.add(new PathElement.Field(f));
        }
        return new FieldPath(elements);
    }

    public FieldPath child(PathElement element) {
        List<PathElement> longer = new ArrayList<>(elements);
        longer.add(element);
        return new FieldPath(longer);
    }

    public FieldPath field(String name) {
        return child(new PathElement.Field(name));
    }

    public boolean isRoot() {
        return elements.isEmpty();
    }

    public FieldPath parent() {
        return new FieldPath(elements.subList(0, elements.size() - 1));
    }

    public PathElement last() {
        return elements.get(elements.size() - 1);
    }

    /** Whether this path is {@code prefix} or lies below it. */
    public boolean startsWith(FieldPath prefix) {
        return elements.size() >= prefix.elements.size()
                && elements.subList(0, prefix.elements.size()).equals(prefix.elements);
    }

    @Override
    public int compareTo(FieldPath other) {
        for (int i = 0; i < Math.min(elements.size(), other.elements.size()); i++) {
            int c = elements.get(i).compareTo(other.elements.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(elements.size(), other.elements.size());
    }

    /** As Kubernetes prints paths in conflicts: {@code .spec.template.spec.containers[name="web"].image}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        elements.forEach(e -> s.append(e.pathText()));
        return s.toString();
    }
}
