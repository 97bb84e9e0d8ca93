package io.gantry.apiserver.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns an object's stored JSON (which never holds its resourceVersion) into the JSON the API serves, by inserting
 * {@code "resourceVersion":"N"} at the start of the top-level {@code metadata} object. Encoding a tree costs about
 * twice as much as parsing it; a watch event's object is the stored value plus its revision, so it is made from the
 * bytes the store delivers instead of being encoded again.
 */
public final class StoredJson {
    private StoredJson() {
    }

    /**
     * The served JSON, or null when {@code stored} is not an object with a metadata object free of a
     * resourceVersion (the caller then encodes the parsed object).
     */
    public static byte[] withResourceVersion(byte[] stored, long revision) {
        int at = metadataContentStart(stored);
        if (at < 0) {
            return null;
        }
        int next = at;
        while (next < stored.length && (stored[next] == ' ' || stored[next] == '\n' || stored[next] == '\r'
                || stored[next] == '\t')) {
            next++;
        }
        boolean empty = next < stored.length && stored[next] == '}';
        byte[] field = ("\"resourceVersion\":\"" + revision + (empty ? "\"" : "\","))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] served = new byte[stored.length + field.length];
        System.arraycopy(stored, 0, served, 0, at);
        System.arraycopy(field, 0, served, at, field.length);
        System.arraycopy(stored, at, served, at + field.length, stored.length - at);
        return served;
    }

    /**
     * The index just after the {@code {} of the top-level metadata object, or -1 if there is none or it already
     * has a resourceVersion. Scans compact or spaced JSON without building anything.
     */
    static int metadataContentStart(byte[] json) {
        Scanner s = atMetadata(json);
        if (s == null) {
            return -1;
        }
        int start = s.pos;
        // Stored values never hold a resourceVersion, and walking a pod's metadata member by member (its
        // managedFields are most of the JSON) cost more than the rest of serving it: a search for the quoted name
        // anywhere after the brace proves it absent, and only a hit is checked member by member.
        if (indexOf(json, RESOURCE_VERSION_KEY, start) < 0) {
            return start;
        }
        return hasMember(s, "resourceVersion") ? -1 : start;
    }

    private static final byte[] RESOURCE_VERSION_KEY = "\"resourceVersion\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * The first index at or after {@code from} where {@code needle} starts, or -1. It looks for the needle's
     * last byte first: in JSON the closing quote of a key is common, but a quote after an {@code n} is rarer than
     * the opening quote of every string.
     */
    static int indexOf(byte[] haystack, byte[] needle, int from) {
        int last = needle.length - 1;
        byte anchor = needle[last - 1];
        for (int i = Math.max(from, 0) + last - 1; i < haystack.length - 1; i++) {
            if (haystack[i] == anchor && haystack[i + 1] == needle[last]) {
                int start = i - (last - 1);
                if (Arrays.equals(haystack, start, start + needle.length, needle, 0, needle.length)) {
                    return start;
                }
            }
        }
        return -1;
    }

    /**
     * Where the value of the top-level {@code metadata.managedFields} lies: {@code start << 32 | end} (end
     * exclusive), or -1 when there is none or the JSON is not shaped as expected.
     */
    static long managedFieldsRange(byte[] json) {
        Scanner s = atMetadata(json);
        if (s == null || s.consume('}')) {
            return -1;
        }
        do {
            String member = s.string();
            if (member == null || !s.consume(':')) {
                return -1;
            }
            s.skipSpace();
            int start = s.pos;
            if (!s.skipValue()) {
                return -1;
            }
            if (member.equals("managedFields")) {
                return (long) start << 32 | s.pos;
            }
        } while (s.consume(','));
        return -1;
    }

    /** A scanner just past the opening brace of the top-level metadata object, or null if there is none. */
    private static Scanner atMetadata(byte[] json) {
        Scanner s = new Scanner(json);
        if (!s.consume('{') || s.consume('}')) {
            return null;
        }
        do {
            String key = s.string();
            if (key == null || !s.consume(':')) {
                return null;
            }
            if (key.equals("metadata")) {
                return s.consume('{') ? s : null;
            }
            if (!s.skipValue()) {
                return null;
            }
        } while (s.consume(','));
        return null;
    }

    /** Whether the object whose opening brace the scanner just passed has a member named {@code name}. */
    private static boolean hasMember(Scanner s, String name) {
        if (s.consume('}')) {
            return false;
        }
        do {
            String key = s.string();
            if (key == null || key.equals(name) || !s.consume(':') || !s.skipValue()) {
                return true; // malformed counts as "has it": the caller falls back to encoding
            }
        } while (s.consume(','));
        return false;
    }

    private static final class Scanner {
        private final byte[] json;
        private int pos;

        Scanner(byte[] json) {
            this.json = json;
        }

        void skipSpace() {
            while (pos < json.length && (json[pos] == ' ' || json[pos] == '\n' || json[pos] == '\r'
                    || json[pos] == '\t')) {
                pos++;
            }
        }

        boolean consume(char c) {
            skipSpace();
            if (pos < json.length && json[pos] == c) {
                pos++;
                return true;
            }
            return false;
        }

        /** A string token, decoded only as far as keys need (escapes kept as written); null if there is none. */
        String string() {
            skipSpace();
            if (pos >= json.length || json[pos] != '"') {
                return null;
            }
            int start = ++pos;
            if (!skipStringBody()) {
                return null;
            }
            return new String(json, start, pos - 1 - start, StandardCharsets.UTF_8);
        }

        /** Moves past the closing quote of a string whose opening quote is already consumed. */
        private boolean skipStringBody() {
            while (pos < json.length) {
                byte b = json[pos++];
                if (b == '\\') {
                    pos++;
                } else if (b == '"') {
                    return true;
                }
            }
            return false;
        }

        /** Moves past one value of any kind. */
        boolean skipValue() {
            skipSpace();
            if (pos >= json.length) {
                return false;
            }
            byte b = json[pos];
            if (b == '"') {
                pos++;
                return skipStringBody();
            }
            if (b == '{' || b == '[') {
                int depth = 0;
                while (pos < json.length) {
                    byte c = json[pos++];
                    if (c == '"') {
                        if (!skipStringBody()) {
                            return false;
                        }
                    } else if (c == '{' || c == '[') {
                        depth++;
                    } else if (c == '}' || c == ']') {
                        if (--depth == 0) {
                            return true;
                        }
                    }
                }
                return false;
            }
            // number, true, false, null
            int start = pos;
            while (pos < json.length && json[pos] != ',' && json[pos] != '}' && json[pos] != ']'
                    && json[pos] != ' ' && json[pos] != '\n' && json[pos] != '\r' && json[pos] != '\t') {
                pos++;
            }
            return pos > start;
        }
    }
}
