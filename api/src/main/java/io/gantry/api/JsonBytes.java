package io.gantry.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds where JSON values end in UTF-8 bytes without parsing them, for readers that skip most of a document: a
 * watch client that keeps a few fields of each pod, the server finding managedFields in the bytes it stored. Only
 * the structure is followed (strings, nesting); the bytes skipped are not validated, so whatever is kept must still
 * go through a real parser. Positions are indexes into the array; each method returns -1 when the bytes end before
 * the value does.
 */
public final class JsonBytes {
    /** Bytes that end a number or a literal: space, comma, and the closing brackets. */
    private static final boolean[] SCALAR_END = new boolean[256];

    static {
        for (char c : new char[]{' ', '\n', '\r', '\t', ',', '}', ']'}) {
            SCALAR_END[c] = true;
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private JsonBytes() {
    }

    /** The first position at or after {@code pos} that is not JSON whitespace ({@code end} if there is none). */
    public static int skipSpace(byte[] b, int pos, int end) {
        while (pos < end && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
            pos++;
        }
        return pos;
    }

    /** The position after the closing quote of a string whose body starts at {@code pos}, after its opening quote. */
    public static int endOfStringBody(byte[] b, int pos, int end) {
        // Eight bytes at a time: most of a document is in strings, and most of a string is neither quote nor
        // backslash. The lowest byte flagged is exact (a false flag can only sit above a true one).
        while (pos + 8 <= end) {
            long word = (long) LONGS.get(b, pos);
            long quotes = word ^ QUOTES;
            long backslashes = word ^ BACKSLASHES;
            long flags = ((quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes) & HIGHS;
            if (flags == 0) {
                pos += 8;
                continue;
            }
            pos += Long.numberOfTrailingZeros(flags) >>> 3;
            if (b[pos] == '"') {
                return pos + 1;
            }
            pos += 2;
        }
        while (pos < end) {
            byte c = b[pos++];
            if (c == '\\') {
                pos++;
            } else if (c == '"') {
                return pos;
            }
        }
        return -1;
    }

    /**
     * The position after the value that starts at {@code pos} (a string, object, array, number or literal; no
     * space before it). A number or literal must be followed by something that ends it.
     */
    public static int endOfValue(byte[] b, int pos, int end) {
        if (pos >= end) {
            return -1;
        }
        byte first = b[pos];
        if (first == '"') {
            return endOfStringBody(b, pos + 1, end);
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            while (pos < end) {
                byte c = b[pos++];
                if (c == '"') {
                    pos = endOfStringBody(b, pos, end);
                    if (pos < 0) {
                        return -1;
                    }
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if ((c == '}' || c == ']') && --depth == 0) {
                    return pos;
                }
            }
            return -1;
        }
        int start = pos;
        while (pos < end && !SCALAR_END[b[pos] & 0xff]) {
            pos++;
        }
        return pos < end && pos > start ? pos : -1;
    }
}
