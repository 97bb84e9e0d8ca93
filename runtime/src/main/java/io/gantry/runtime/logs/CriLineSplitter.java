package io.gantry.runtime.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Cuts one stream's raw bytes into CRI records: an {@code F} record per line, and lines longer than
 * {@link CriLogLine#MAX_CONTENT_BYTES} first into {@code P} pieces of that size. Bytes after the last newline wait
 * for more data (or for {@link #flush}). A {@code \r} before the newline is dropped, as containerd does.
 */
final class CriLineSplitter {

    private final CriStream stream;
    private byte[] pending = new byte[256];
    private int pendingLength;

    CriLineSplitter(CriStream stream) {
        this.stream = stream;
    }

    /** The records completed by {@code data[0..length)}, stamped {@code now}. */
    List<CriLogLine> accept(byte[] data, int length, Instant now) {
        List<CriLogLine> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (data[i] == '\n') {
                append(data, start, i - start, now, lines);
                int end = pendingLength;
                if (end > 0 && pending[end - 1] == '\r') {
                    end--;
                }
                lines.add(new CriLogLine(now, stream, false, Arrays.copyOf(pending, end)));
                pendingLength = 0;
                start = i + 1;
            }
        }
        append(data, start, length - start, now, lines);
        return lines;
    }

    /** Adds bytes of an unfinished line, emitting full P pieces once more than a piece's worth waits. */
    private void append(byte[] data, int offset, int length, Instant now, List<CriLogLine> lines) {
        int position = offset;
        int end = offset + length;
        while (position < end) {
            // Keep one piece plus one byte before cutting: a line of exactly one piece's size, then a newline, is F.
            int room = CriLogLine.MAX_CONTENT_BYTES + 1 - pendingLength;
            int take = Math.min(room, end - position);
            ensureCapacity(pendingLength + take);
            System.arraycopy(data, position, pending, pendingLength, take);
            pendingLength += take;
            position += take;
            if (pendingLength > CriLogLine.MAX_CONTENT_BYTES) {
                lines.add(new CriLogLine(now, stream, true, Arrays.copyOf(pending, CriLogLine.MAX_CONTENT_BYTES)));
                System.arraycopy(pending, CriLogLine.MAX_CONTENT_BYTES, pending, 0,
                        pendingLength - CriLogLine.MAX_CONTENT_BYTES);
                pendingLength -= CriLogLine.MAX_CONTENT_BYTES;
            }
        }
    }

    private void ensureCapacity(int capacity) {
        if (capacity > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(capacity, pending.length * 2));
        }
    }

    /** Bytes read but not yet in a record. */
    int pendingBytes() {
        return pendingLength;
    }

    /**
     * The unfinished line as a {@code P} record (as containerd writes a last line without newline), if any: when the
     * stream has ended or its raw file is about to be truncated.
     */
    Optional<CriLogLine> flush(Instant now) {
        if (pendingLength == 0) {
            return Optional.empty();
        }
        CriLogLine line = new CriLogLine(now, stream, true, Arrays.copyOf(pending, pendingLength));
        pendingLength = 0;
        return Optional.of(line);
    }
}
