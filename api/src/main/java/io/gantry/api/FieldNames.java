package io.gantry.api;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One String per field name for the JSON trees a server keeps in memory (the watch cache's): the same instance
 * for "status" in every pod, and the JVM's own instance, the one a literal in code is. Names parsed from request
 * bodies are otherwise new Strings in every object (a pod's status written by its node brings about forty), which
 * the cache then holds by the million; and a lookup by a literal that finds its name by identity never reads the
 * name's characters, which in a cold tree are a cache miss each.
 * <p>
 * Bounded: names that come as data (ConfigMap keys, label keys) also pass through here, so once the table holds
 * {@code capacity} names, new ones are kept as they came. Long names are never taken.
 */
public final class FieldNames {
    private static final int MAX_LENGTH = 63;
    private final int capacity;
    private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();
    /** Set once the table holds {@code capacity} names: a name it lacks is then not counted against it again. */
    private volatile boolean full;

    public FieldNames(int capacity) {
        this.capacity = capacity;
    }

    /** The canonical instance of {@code name}, or {@code name} itself when the table takes no more. */
    public String canonical(String name) {
        String known = names.get(name);
        if (known != null) {
            return known;
        }
        if (full || name.length() > MAX_LENGTH) {
            return name;
        }
        if (names.size() >= capacity) {
            full = true;
            return name;
        }
        String interned = name.intern();
        String raced = names.putIfAbsent(interned, interned);
        return raced != null ? raced : interned;
    }

    /** How many names the table holds. */
    public int size() {
        return names.size();
    }
}
