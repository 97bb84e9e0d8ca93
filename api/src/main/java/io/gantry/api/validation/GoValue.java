package io.gantry.api.validation;

import java.util.Map;
import java.util.TreeMap;

/**
 * Renders bad values the way Go's fmt does inside Kubernetes' field errors, so messages read exactly as
 * the real API server's: strings with %q, numbers and booleans with %v, and a few Go composite literals.
 */
public final class GoValue {
    private GoValue() {
    }

    /** A value that is already rendered (a Go composite literal or a Stringer result). */
    public record Raw(String text) {
    }

    public static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Raw raw) {
            return raw.text();
        }
        if (value instanceof String s) {
            return quote(s);
        }
        return value.toString();
    }

    /** Go's strconv.Quote: printable runes kept, the rest escaped. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 11 -> b.append("\\v");
                default -> {
                    if (printable(cp)) {
                        b.appendCodePoint(cp);
                    } else if (cp < 0x80) {
                        b.append(String.format("\\x%02x", cp));
                    } else if (cp < 0x10000) {
                        b.append(String.format("\\u%04x", cp));
                    } else {
                        b.append(String.format("\\U%08x", cp));
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    private static boolean printable(int cp) {
        if (cp < 0x20 || cp == 0x7f) {
            return false;
        }
        int type = Character.getType(cp);
        return type != Character.CONTROL && type != Character.UNASSIGNED && type != Character.FORMAT
                && type != Character.SURROGATE && type != Character.PRIVATE_USE
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && (type != Character.SPACE_SEPARATOR || cp == ' ');
    }

    /** Go's %#v of a map[string]string: keys sorted, entries quoted. */
    public static Raw stringMap(Map<String, String> map) {
        if (map == null) {
            return new Raw("map[string]string(nil)");
        }
        StringBuilder b = new StringBuilder("map[string]string{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            b.append(first ? "" : ", ").append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            first = false;
        }
        return new Raw(b.append('}').toString());
    }

    /** Go's %#v of a []string. */
    public static Raw stringSlice(java.util.List<String> values) {
        if (values == null) {
            return new Raw("[]string(nil)");
        }
        StringBuilder b = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
        }
        return new Raw(b.append('}').toString());
    }
}
