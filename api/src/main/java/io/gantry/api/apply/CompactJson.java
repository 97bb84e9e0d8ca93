package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scalars written as compact JSON text exactly as Jackson's default writer writes them (the same escapes), for the
 * keys of field paths: a status write builds dozens of them, and a Jackson writer per key cost more than the rest
 * of building the path.
 */
final class CompactJson {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private CompactJson() {
    }

    /**
     * Appends {@code value} if it is a string, an integral number, a boolean or null; false, with nothing appended,
     * for anything else (the caller asks Jackson).
     */
    static boolean scalar(JsonNode value, StringBuilder out) {
        if (value == null) {
            return false;
        }
        if (value.isTextual()) {
            string(value.textValue(), out);
        } else if (value.isInt() || value.isLong() || value.isBigInteger()) {
            out.append(value.asText());
        } else if (value.isBoolean()) {
            out.append(value.booleanValue());
        } else if (value.isNull()) {
            out.append("null");
        } else {
            return false;
        }
        return true;
    }

    /** Appends {@code text} quoted, with Jackson's default escapes: quote, backslash and control characters. */
    static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                out.append(c);
                continue;
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        out.append('"');
    }
}
