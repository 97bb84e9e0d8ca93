package io.gantry.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults; unknown names are an error so typos do not pass. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    private Args() {
    }

    public static Args parse(String[] argv, String... known) {
        Args args = new Args();
        java.util.Set<String> allowed = java.util.Set.of(known);
        for (int i = 0; i < argv.length; i++) {
            String name = argv[i];
            if (!name.startsWith("--") || i + 1 >= argv.length || !allowed.contains(name.substring(2))) {
                throw new IllegalArgumentException("unexpected argument " + name + " (known: " + allowed + ")");
            }
            args.values.put(name.substring(2), argv[++i]);
        }
        return args;
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    public int integer(String name, int fallback) {
        if (!values.containsKey(name)) {
            return fallback;
        }
        try {
            return Integer.parseInt(values.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not \"" + values.get(name) + "\"");
        }
    }

    long pid(String name) {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : -1;
    }
}
