package io.gantry.apiserver.storage;

import io.gantry.api.JsonBytes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

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
        // anywhere after the brace (the JDK's vectorized String search, on a Latin-1 view of the bytes) proves it
        // absent, and only a hit is checked member by member.
        if (new String(json, start, json.length - start, StandardCharsets.ISO_8859_1).indexOf(RESOURCE_VERSION_KEY) < 0) {
            return start;
        }
        return hasMember(s, "resourceVersion") ? -1 : start;
    }

    private static final String RESOURCE_VERSION_KEY = "\"resourceVersion\"";

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

    /**
     * A managedFields list with the value of every entry's {@code fieldsV1} replaced by {@code 0}, the values
     * themselves added to {@code taken} in order; null when the JSON is not a list of objects, or an entry names
     * fieldsV1 twice.
     */
    static byte[] withoutFieldsV1(byte[] list, List<byte[]> taken) {
        Scanner s = new Scanner(list);
        if (!s.consume('[')) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(list.length / 4);
        int copied = 0;
        if (!s.consume(']')) {
            do {
                if (!s.consume('{')) {
                    return null;
                }
                boolean seen = false;
                if (!s.consume('}')) {
                    do {
                        String member = s.string();
                        if (member == null || !s.consume(':')) {
                            return null;
                        }
                        s.skipSpace();
                        int start = s.pos;
                        if (!s.skipValue()) {
                            return null;
                        }
                        if (member.equals("fieldsV1")) {
                            if (seen) {
                                return null;
                            }
                            seen = true;
                            taken.add(Arrays.copyOfRange(list, start, s.pos));
                            out.write(list, copied, start - copied);
                            out.write('0');
                            copied = s.pos;
                        }
                    } while (s.consume(','));
                    if (!s.consume('}')) {
                        return null;
                    }
                }
            } while (s.consume(','));
            if (!s.consume(']')) {
                return null;
            }
        }
        out.write(list, copied, list.length - copied);
        return out.toByteArray();
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
            pos = JsonBytes.skipSpace(json, pos, json.length);
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
            int end = JsonBytes.endOfStringBody(json, pos, json.length);
            pos = end < 0 ? json.length : end;
            return end >= 0;
        }

        /** Moves past one value of any kind. */
        boolean skipValue() {
            skipSpace();
            int end = JsonBytes.endOfValue(json, pos, json.length);
            pos = end < 0 ? json.length : end;
            return end >= 0;
        }
    }
}
