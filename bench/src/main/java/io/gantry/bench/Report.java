package io.gantry.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark result: printed as a machine-readable {@code RESULT bench=... key=value ...} line (values without
 * spaces) that run.sh collects, next to the human summary each benchmark prints itself.
 */
final class Report {
    private final Map<String, String> values = new LinkedHashMap<>();

    Report(String bench) {
        values.put("bench", bench);
    }

    Report put(String key, Object value) {
        String text = value instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(value);
        values.put(key, text.replace(' ', '_'));
        return this;
    }

    void print() {
        StringBuilder line = new StringBuilder("RESULT");
        values.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        System.out.flush();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
