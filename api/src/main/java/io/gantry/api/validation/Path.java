package io.gantry.api.validation;

/** A field path rendered the way Kubernetes' field.Path prints it: {@code spec.containers[0].ports[1].name}. */
public record Path(String value) {
    public static Path root(String name) {
        return new Path(name);
    }

    public Path child(String name) {
        return new Path(value.isEmpty() ? name : value + "." + name);
    }

    public Path child(String first, String... more) {
        Path p = child(first);
        for (String m : more) {
            p = p.child(m);
        }
        return p;
    }

    public Path index(int i) {
        return new Path(value + "[" + i + "]");
    }

    public Path key(String key) {
        return new Path(value + "[" + key + "]");
    }

    @Override
    public String toString() {
        return value;
    }
}
