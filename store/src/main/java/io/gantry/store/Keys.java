package io.gantry.store;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level key ranges shared by both stores. Keys are compared as UTF-8 bytes (etcd's order), so a prefix
 * is the half-open range [prefix, prefixEnd(prefix)).
 */
final class Keys {
    private Keys() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * The key as its UTF-8 bytes read back: itself, unless it holds a surrogate without its pair, which UTF-8 has
     * no bytes for (it is written as '?'). Keys are their bytes, so two strings with the same bytes are one key.
     */
    static String canonical(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            boolean paired = Character.isHighSurrogate(c) && i + 1 < key.length()
                    && Character.isLowSurrogate(key.charAt(i + 1));
            if (!paired) {
                return string(utf8(key));
            }
            i++;
        }
        return key;
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}, or null if there is none
     * (empty prefix or all 0xff bytes), mirroring etcd's range_end convention.
     */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] end = java.util.Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    /** The first key of a listing: the prefix itself, or just after {@code startAfter} if that is later. */
    static byte[] rangeStart(String prefix, String startAfter) {
        byte[] start = utf8(prefix);
        if (startAfter == null || startAfter.isEmpty()) {
            return start;
        }
        byte[] after = utf8(startAfter);
        byte[] afterNext = java.util.Arrays.copyOf(after, after.length + 1); // startAfter + "\0"
        return java.util.Arrays.compareUnsigned(afterNext, start) > 0 ? afterNext : start;
    }
}
