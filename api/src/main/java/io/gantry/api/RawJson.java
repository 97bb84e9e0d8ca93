package io.gantry.api;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON value kept inside a tree as its UTF-8 bytes (in a {@link POJONode} holding a {@link RawValue}), not as a
 * tree: written back into JSON byte for byte, parsed only when somebody needs it as a tree. The API server keeps
 * managedFields so, most of a pod's nodes that almost nobody reads. Bytes rather than a String: writing them back
 * is a copy, not an encoding of every character. A value may be a slice of a larger array ({@link #slice}): the
 * watch cache keeps an object's managedFields as the part of its stored JSON that holds them, not as a second copy.
 */
public final class RawJson implements SerializableString {
    private final byte[] utf8;
    private final int offset;
    private final int length;
    private volatile String text;

    private RawJson(byte[] utf8, int offset, int length) {
        this.utf8 = utf8;
        this.offset = offset;
        this.length = length;
    }

    /** A tree node holding {@code utf8}, which must be one well-formed JSON value and is not copied. */
    public static POJONode node(byte[] utf8) {
        return slice(utf8, 0, utf8.length);
    }

    /**
     * A tree node holding the {@code length} bytes of {@code utf8} from {@code offset}, which must be one
     * well-formed JSON value and must not change: not copied, so the node keeps the whole array alive.
     */
    public static POJONode slice(byte[] utf8, int offset, int length) {
        if (offset < 0 || length < 0 || offset > utf8.length - length) {
            throw new IndexOutOfBoundsException("slice of " + length + " bytes at " + offset + " of " + utf8.length);
        }
        return new POJONode(new RawValue(new RawJson(utf8, offset, length)));
    }

    /** Whether {@code node} holds raw JSON (of this kind, or a RawValue of a String). */
    public static boolean isRaw(JsonNode node) {
        return node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue;
    }

    /**
     * The UTF-8 bytes of a raw JSON node of this kind, or null for any other node; not to be changed. Not copied,
     * unless the node holds a slice.
     */
    public static byte[] utf8(JsonNode node) {
        RawJson json = of(node);
        return json == null ? null : json.bytes();
    }

    /** Whether both nodes are raw JSON of this kind holding the same bytes. */
    public static boolean sameBytes(JsonNode a, JsonNode b) {
        RawJson x = of(a);
        RawJson y = of(b);
        return x != null && y != null && Arrays.equals(x.utf8, x.offset, x.offset + x.length,
                y.utf8, y.offset, y.offset + y.length);
    }

    private static RawJson of(JsonNode node) {
        return isRaw(node) && ((RawValue) ((POJONode) node).getPojo()).rawValue() instanceof RawJson json
                ? json : null;
    }

    private byte[] bytes() {
        return offset == 0 && length == utf8.length ? utf8 : Arrays.copyOfRange(utf8, offset, offset + length);
    }

    /** The tree of a raw JSON node ({@link #isRaw}). */
    public static JsonNode parse(JsonNode node) {
        Object raw = ((RawValue) ((POJONode) node).getPojo()).rawValue();
        try {
            return raw instanceof RawJson json ? Json.MAPPER.readTree(json.utf8, json.offset, json.length)
                    : Json.MAPPER.readTree(String.valueOf(raw));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String getValue() {
        String value = text;
        if (value == null) {
            value = new String(utf8, offset, length, StandardCharsets.UTF_8);
            text = value;
        }
        return value;
    }

    @Override
    public String toString() {
        return getValue();
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return bytes();
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int at) {
        if (length > buffer.length - at) {
            return -1;
        }
        System.arraycopy(utf8, offset, buffer, at, length);
        return length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        String value = getValue();
        if (value.length() > buffer.length - offset) {
            return -1;
        }
        value.getChars(0, value.length(), buffer, offset);
        return value.length();
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(utf8, offset, length);
        return length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (length > buffer.remaining()) {
            return -1;
        }
        buffer.put(utf8, offset, length);
        return length;
    }

    // Quoting is for names and string values, never asked of a raw value: done the ordinary way.

    @Override
    public char[] asQuotedChars() {
        return quoted().asQuotedChars();
    }

    @Override
    public byte[] asQuotedUTF8() {
        return quoted().asQuotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        return quoted().appendQuotedUTF8(buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        return quoted().appendQuoted(buffer, offset);
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        return quoted().writeQuotedUTF8(out);
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
        return quoted().putQuotedUTF8(buffer);
    }

    private SerializedString quoted() {
        return new SerializedString(getValue());
    }
}
