package io.gantry.runtime.logs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record of a CRI log file: {@code TIMESTAMP STREAM TAG CONTENT\n}, where TAG is {@code F} for the end of a line
 * and {@code P} for a piece of a longer one (the next records of the same stream continue it). Content is kept as
 * bytes: programs may write anything.
 */
public record CriLogLine(Instant time, CriStream stream, boolean partial, byte[] content) {

    /** Longer lines are split into {@code P} records of this size, as containerd does (16 KiB). */
    public static final int MAX_CONTENT_BYTES = 16 * 1024;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);

    public CriLogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(content, "content");
    }

    /** RFC 3339 with nanoseconds, always nine digits, in UTC. */
    public static String formatTimestamp(Instant time) {
        return TIMESTAMP.format(time);
    }

    /** The record with its trailing newline. */
    public byte[] encode() {
        byte[] prefix = (formatTimestamp(time) + " " + stream.tag() + (partial ? " P " : " F "))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] line = Arrays.copyOf(prefix, prefix.length + content.length + 1);
        System.arraycopy(content, 0, line, prefix.length, content.length);
        line[line.length - 1] = '\n';
        return line;
    }

    /**
     * Parses one record, without its newline.
     *
     * @throws IllegalArgumentException when it is not a CRI log record
     */
    public static CriLogLine parse(byte[] buffer, int offset, int length) {
        int end = offset + length;
        int firstSpace = indexOf(buffer, offset, end, (byte) ' ');
        int secondSpace = firstSpace < 0 ? -1 : indexOf(buffer, firstSpace + 1, end, (byte) ' ');
        int thirdSpace = secondSpace < 0 ? -1 : indexOf(buffer, secondSpace + 1, end, (byte) ' ');
        // "TS STREAM TAG" followed by a space and content, or nothing at all for an empty record.
        int tagEnd = thirdSpace < 0 ? end : thirdSpace;
        if (secondSpace < 0 || tagEnd - secondSpace - 1 < 1) {
            throw new IllegalArgumentException("not a CRI log record: "
                    + new String(buffer, offset, Math.min(length, 100), StandardCharsets.UTF_8));
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(new String(buffer, offset, firstSpace - offset, StandardCharsets.US_ASCII),
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad timestamp in CRI log record: " + e.getParsedString(), e);
        }
        CriStream stream = CriStream.ofTag(new String(buffer, firstSpace + 1, secondSpace - firstSpace - 1,
                StandardCharsets.US_ASCII));
        String tag = new String(buffer, secondSpace + 1, tagEnd - secondSpace - 1, StandardCharsets.US_ASCII);
        // The tag may carry more, colon-separated attributes after P or F (the CRI format leaves room for them).
        boolean partial = tag.startsWith("P");
        if (!partial && !tag.startsWith("F")) {
            throw new IllegalArgumentException("unknown CRI log tag '" + tag + "'");
        }
        byte[] content = thirdSpace < 0 ? new byte[0] : Arrays.copyOfRange(buffer, thirdSpace + 1, end);
        return new CriLogLine(time, stream, partial, content);
    }

    /** Parses one record, without its newline. */
    public static CriLogLine parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, 0, bytes.length);
    }

    /** The content as text (UTF-8, malformed bytes replaced). */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] buffer, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CriLogLine line && time.equals(line.time) && stream == line.stream
                && partial == line.partial && Arrays.equals(content, line.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, stream, partial, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8).stripTrailing();
    }

    /** Bytes of several records, in order. */
    static byte[] encodeAll(Iterable<CriLogLine> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (CriLogLine line : lines) {
            out.writeBytes(line.encode());
        }
        return out.toByteArray();
    }
}
