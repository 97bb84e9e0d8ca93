package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.JsonBytes;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the events of a watch response, {@code {"type":...,"object":{...}}} one after another, straight from the
 * bytes of the stream. The objects are built narrowed to a {@link Projection}: what it drops is passed over as
 * bytes ({@link JsonBytes}), never tokenized, and only what it keeps goes through the JSON parser. A client that
 * keeps a dozen fields of each pod, or everything but managedFields (most of a pod's JSON), so reads most of each
 * event at the speed of a byte loop. An ERROR event's Status is always read whole.
 */
public final class WatchEventReader implements Closeable {
    /** One event; {@code object} is null when the event had none. */
    public record Event(String type, ObjectNode object) {
    }

    private static final int MAX_EVENT_BYTES = 64 << 20;
    /** An event cut off while shorter than this is parsed again after the next read instead of scanned for its end. */
    private static final int REPARSE_BELOW = 32 << 10;

    private final InputStream body;
    private final Projection projection;
    /** The bytes read and not yet consumed are {@code buffer[start, limit)}. */
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int limit;
    /** Where the parse of the event at {@code start} is. */
    private int pos;
    /** How far a cut-off event was scanned for its end, how deeply nested it is there, and which brackets are open. */
    private int scanned;
    private int depth;
    private long openings;
    /** How often an event was parsed, retries included. */
    private long parses;
    /** Objects of more fields than this are built with a hash map rather than compact. */
    private static final int LARGE_OBJECT = 33;
    /** ASCII member names seen before, by a hash of their bytes (see {@link #plainName}). */
    private final String[] names = new String[256];

    public WatchEventReader(InputStream body, Projection projection) {
        this.body = body;
        this.projection = projection;
    }

    /** The next event, or null at the end of the stream. */
    public Event next() throws IOException {
        while (true) {
            start = JsonBytes.skipSpace(buffer, start, limit);
            if (start < limit) {
                break;
            }
            if (!fill()) {
                return null;
            }
        }
        if (buffer[start] != '{') {
            throw new IOException("a watch event must be a JSON object, not one starting with '"
                    + (char) (buffer[start] & 0xff) + "'");
        }
        for (int attempt = 0; attempt < 3 && limit - start < REPARSE_BELOW; attempt++) {
            try {
                return parsed();
            } catch (CutOff e) {
                // the event goes on past what was read: a short one is parsed again once more has been read
                if (!fill()) {
                    throw new EOFException("the watch ended inside an event");
                }
            }
        }
        // A long event arriving in pieces, parsed again after every piece, would cost the square of its length:
        // its end is found first, by a scan that resumes where it stopped.
        scanned = start;
        openings = 0;
        depth = 0;
        int end;
        while ((end = scanToEventEnd()) < 0) {
            if (!fill()) {
                throw new EOFException("the watch ended inside an event");
            }
        }
        try {
            return parsed();
        } catch (CutOff e) {
            // whole by its brackets, yet a value in it has no end: an empty value, as in {"a":}
            throw new IOException("malformed watch event: a value without an end, in the " + (end - start)
                    + " bytes of the event");
        }
    }

    private Event parsed() throws IOException {
        parses++;
        Event event = event();
        start = pos;
        return event;
    }

    /**
     * Continues the scan for the end of the event at {@code start}: the position after its closing bracket, or -1
     * if that was not read yet. A string cut off by the end of what was read is scanned again from its opening
     * quote. Brackets must match (checked for the first 64 levels of nesting).
     */
    private int scanToEventEnd() throws IOException {
        byte[] b = buffer;
        for (int i = scanned; i < limit; i++) {
            byte c = b[i];
            if (c == '"') {
                int end = JsonBytes.endOfStringBody(b, i + 1, limit);
                if (end < 0) {
                    scanned = i;
                    return -1;
                }
                i = end - 1;
            } else if (c == '{' || c == '[') {
                if (depth < 64) {
                    openings = c == '{' ? openings | 1L << depth : openings & ~(1L << depth);
                }
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth < 64 && depth >= 0 && ((openings >>> depth & 1) == 1) != (c == '}')) {
                    throw malformed(i);
                }
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        scanned = limit;
        return -1;
    }

    /**
     * Reads more of the stream behind what is buffered; false at its end. When less than a quarter of the buffer is
     * free, the unread bytes move to the front if they fill at most half of it, and the buffer doubles once it is
     * full otherwise: each move is followed by at least half a buffer of new bytes, so a long event read in small
     * pieces is not copied again for each piece.
     */
    private boolean fill() throws IOException {
        int free = buffer.length - limit;
        if (free < buffer.length / 4) {
            int unread = limit - start;
            if (unread <= buffer.length / 2) {
                System.arraycopy(buffer, start, buffer, 0, unread);
                limit = unread;
                scanned -= start;
                start = 0;
            } else if (free == 0) {
                if (buffer.length >= MAX_EVENT_BYTES) {
                    throw new IOException("a watch event of more than " + MAX_EVENT_BYTES + " bytes");
                }
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
        }
        int n = body.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /** Parses the event at {@code start}, assuming it is all in the buffer; {@link CutOff} if not. */
    private Event event() throws IOException {
        String type = null;
        int object = -1;
        ObjectNode read = null;
        pos = start + 1;
        if (!closes('}')) {
            do {
                String name = name();
                if (name.equals("type") && buffer[pos] == '"') {
                    type = readValue(Projection.ALL).textValue();
                } else if (name.equals("object") && buffer[pos] == '{') {
                    object = pos;
                    if (type != null) {
                        read = (ObjectNode) readValue(type.equals("ERROR") ? Projection.ALL : projection);
                    } else {
                        // the type comes after the object: read it once the type is known
                        pos = valueEnd(pos);
                    }
                } else {
                    pos = valueEnd(pos);
                }
            } while (!endOf('}'));
        }
        int end = pos;
        if (object >= 0 && read == null) {
            pos = object;
            read = (ObjectNode) readValue("ERROR".equals(type) ? Projection.ALL : projection);
            pos = end;
        }
        return new Event(type == null ? "" : type, read);
    }

    /**
     * The value at {@code pos}, built as far as {@code kept} keeps it; {@code pos} moves past it. Each byte is
     * looked at once: what is kept whole or dropped is found by {@link JsonBytes#endOfValue}, what is narrowed is
     * walked here.
     */
    private JsonNode readValue(Projection kept) throws IOException {
        byte first = at(pos);
        if (kept.keepsAll() || first != '{' && first != '[') {
            int end = valueEnd(pos);
            JsonNode value = value(pos, end);
            pos = end;
            return value;
        }
        pos++;
        if (first == '[') {
            ArrayNode array = Json.MAPPER.createArrayNode();
            if (closes(']')) {
                return array;
            }
            do {
                array.add(readValue(kept));
            } while (!endOf(']'));
            return array;
        }
        ObjectNode object = Json.compactObject(4);
        if (closes('}')) {
            return object;
        }
        int fields = 0;
        do {
            String name = name();
            Projection field = kept.field(name);
            if (field == null) {
                pos = valueEnd(pos);
            } else {
                if (++fields == LARGE_OBJECT) {
                    // a compact object is searched field by field: a large one gets a hash map, as Json's do
                    object = Json.object().setAll(object);
                }
                object.set(name, readValue(field));
            }
        } while (!endOf('}'));
        return object;
    }

    /** Past space at {@code pos}: true (and past it) if {@code close} is there, false (and at what is) if not. */
    private boolean closes(char close) throws CutOff {
        pos = JsonBytes.skipSpace(buffer, pos, limit);
        if (at(pos) == close) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * After a member or element: true (and past it) at the closing bracket, false (and at the next value) after a
     * comma.
     */
    private boolean endOf(char close) throws IOException {
        if (closes(close)) {
            return true;
        }
        if (buffer[pos] != ',') {
            throw malformed(pos);
        }
        pos = JsonBytes.skipSpace(buffer, pos + 1, limit);
        at(pos);
        return false;
    }

    /** The member name at {@code pos}; {@code pos} moves to its value. */
    private String name() throws IOException {
        if (at(pos) != '"') {
            throw malformed(pos);
        }
        int end = JsonBytes.endOfStringBody(buffer, pos + 1, limit);
        if (end < 0) {
            throw CutOff.INSTANCE;
        }
        String name = plain(pos + 1, end - 1) ? plainName(pos + 1, end - 1)
                : Json.MAPPER.readTree(buffer, pos, end - pos).textValue();
        pos = JsonBytes.skipSpace(buffer, end, limit);
        if (at(pos) != ':') {
            throw malformed(pos);
        }
        pos = JsonBytes.skipSpace(buffer, pos + 1, limit);
        at(pos);
        return name;
    }

    /**
     * The name in {@code buffer[from, to)} (no escapes), the same String as the last time these bytes came when they
     * are ASCII: the same few dozen names recur in every event, and a new String for each was a tenth of what a
     * watching agent allocated.
     */
    private String plainName(int from, int to) {
        int hash = 0;
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + buffer[i];
            ascii &= buffer[i] >= 0;
        }
        if (!ascii) {
            return new String(buffer, from, to - from, StandardCharsets.UTF_8);
        }
        int slot = (hash ^ hash >>> 16) & (names.length - 1);
        String known = names[slot];
        if (known != null && known.length() == to - from) {
            int i = 0;
            while (i < to - from && known.charAt(i) == buffer[from + i]) {
                i++;
            }
            if (i == to - from) {
                return known;
            }
        }
        String name = new String(buffer, from, to - from, StandardCharsets.US_ASCII);
        names[slot] = name;
        return name;
    }

    /** The byte at {@code i}, which must have been read. */
    private byte at(int i) throws CutOff {
        if (i >= limit) {
            throw CutOff.INSTANCE;
        }
        return buffer[i];
    }

    /** A value kept whole. Plain strings and literals, most of what is kept, need no parser. */
    private JsonNode value(int from, int to) throws IOException {
        byte first = buffer[from];
        if (first == '"' && plain(from + 1, to - 1)) {
            return Json.MAPPER.getNodeFactory().textNode(
                    new String(buffer, from + 1, to - from - 2, StandardCharsets.UTF_8));
        }
        if (to - from == 4 && first == 'n' && buffer[from + 1] == 'u' && buffer[from + 2] == 'l'
                && buffer[from + 3] == 'l') {
            return NullNode.getInstance();
        }
        if (to - from == 4 && first == 't' && buffer[from + 1] == 'r' && buffer[from + 2] == 'u'
                && buffer[from + 3] == 'e') {
            return BooleanNode.TRUE;
        }
        return Json.MAPPER.readTree(buffer, from, to - from);
    }

    /** Whether {@code buffer[from, to)} holds neither escapes nor control characters. */
    private boolean plain(int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = buffer[i];
            if (c == '\\' || (c >= 0 && c < 0x20)) {
                return false;
            }
        }
        return true;
    }

    private int valueEnd(int from) throws CutOff {
        int end = JsonBytes.endOfValue(buffer, from, limit);
        if (end < 0) {
            throw CutOff.INSTANCE;
        }
        return end;
    }

    private IOException malformed(int at) {
        return new IOException("malformed watch event: unexpected '" + (char) (buffer[at] & 0xff) + "' at byte "
                + (at - start) + " of the event");
    }

    /** The event goes on past the bytes read so far. Thrown often, so without a stack trace. */
    private static final class CutOff extends IOException {
        static final CutOff INSTANCE = new CutOff();

        private CutOff() {
            super("the event goes on");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** How often events were parsed so far, retries of cut-off ones included (at most four per event). */
    long parses() {
        return parses;
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
