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

    private final InputStream body;
    private final Projection projection;
    /** The bytes read and not yet consumed are {@code buffer[start, limit)}. */
    private static final int MAX_EVENT_BYTES = 64 << 20;
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int limit;
    /** Where the parse of the event at {@code start} is. */
    private int pos;

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
        while (true) {
            try {
                Event event = event();
                start = pos;
                return event;
            } catch (CutOff e) {
                // the event goes on past what was read: read more and parse it again
                if (!fill()) {
                    throw new EOFException("the watch ended inside an event");
                }
            }
        }
    }

    /** Reads more of the stream behind what is buffered; false at its end. */
    private boolean fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, limit - start);
            limit -= start;
            start = 0;
        }
        if (limit == buffer.length) {
            if (buffer.length >= MAX_EVENT_BYTES) {
                throw new IOException("a watch event of more than " + MAX_EVENT_BYTES + " bytes");
            }
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
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
        ObjectNode object = Json.object();
        if (closes('}')) {
            return object;
        }
        do {
            String name = name();
            Projection field = kept.field(name);
            if (field == null) {
                pos = valueEnd(pos);
            } else {
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
        String name = plain(pos + 1, end - 1) ? new String(buffer, pos + 1, end - pos - 2, StandardCharsets.UTF_8)
                : Json.MAPPER.readTree(buffer, pos, end - pos).textValue();
        pos = JsonBytes.skipSpace(buffer, end, limit);
        if (at(pos) != ':') {
            throw malformed(pos);
        }
        pos = JsonBytes.skipSpace(buffer, pos + 1, limit);
        at(pos);
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

    @Override
    public void close() throws IOException {
        body.close();
    }
}
