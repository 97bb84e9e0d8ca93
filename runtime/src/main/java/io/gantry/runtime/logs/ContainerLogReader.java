package io.gantry.runtime.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Reads a container's CRI log with {@code kubectl logs} semantics: the text of its lines (partial records joined),
 * optionally timestamped, limited to the last N lines and/or lines since a time, and optionally following the file
 * (across rotations) until the writer is done.
 *
 * <p>Like kubelet, it reads the current log file only, not rotated ones. For {@code --previous} the agent passes the
 * CRI log path of the container's previous instance (whose writer is done).
 */
public final class ContainerLogReader {

    private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);

    private ContainerLogReader() {}

    /**
     * The log as a stream of text.
     *
     * @param criLog         the CRI log file
     * @param writerFinished whether the log is complete ({@link ContainerLogs#isFinished()}: the container has stopped
     *                       and everything is converted); ends a following stream once the file is drained
     * @throws NoSuchFileException when the file does not exist and the query does not follow
     */
    public static InputStream open(Path criLog, LogQuery query, BooleanSupplier writerFinished) throws IOException {
        return open(criLog, query, writerFinished, DEFAULT_POLL_INTERVAL);
    }

    /** As {@link #open(Path, LogQuery, BooleanSupplier)}, polling a followed file every {@code pollInterval}. */
    public static InputStream open(Path criLog, LogQuery query, BooleanSupplier writerFinished, Duration pollInterval)
            throws IOException {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(writerFinished, "writerFinished");
        if (!query.follow() && !Files.exists(criLog)) {
            throw new NoSuchFileException(criLog.toString(), null, "no log file");
        }
        return new FollowingStream(criLog, query, writerFinished, pollInterval);
    }

    /** The whole (current) log as text: a convenience for tests and small logs. */
    public static String readAll(Path criLog, LogQuery query) throws IOException {
        try (InputStream in = open(criLog, query.withFollow(false), () -> true)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The offset of the first record of the last {@code lines} lines (a line being its P records plus the final F).
     */
    static long tailStart(FileChannel channel, int lines) throws IOException {
        long size = channel.size();
        if (lines == 0) {
            return size;
        }
        ArrayDeque<Long> lineStarts = new ArrayDeque<>(Math.min(lines, 1024) + 1);
        RecordScanner scanner = new RecordScanner();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long position = 0;
        boolean[] newLine = {true};
        while (position < size) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n <= 0) {
                break;
            }
            scanner.accept(buffer.array(), n, position, (record, length, start) -> {
                if (newLine[0]) {
                    lineStarts.addLast(start);
                    if (lineStarts.size() > lines) {
                        lineStarts.removeFirst();
                    }
                }
                newLine[0] = !isPartial(record, length);
            });
            position += n;
        }
        return lineStarts.isEmpty() ? 0 : lineStarts.peekFirst();
    }

    /** Whether the record's tag (third field) starts with P, without parsing the rest. */
    private static boolean isPartial(byte[] record, int length) {
        int spaces = 0;
        for (int i = 0; i < length; i++) {
            if (record[i] == ' ' && ++spaces == 2) {
                return i + 1 < length && record[i + 1] == 'P';
            }
        }
        return false;
    }

    /** Cuts bytes into newline-terminated records, carrying an incomplete one over to the next chunk. */
    private static final class RecordScanner {
        interface RecordHandler {
            void record(byte[] record, int length, long startOffset) throws IOException;
        }

        private byte[] carry = new byte[1024];
        private int carryLength;

        void accept(byte[] data, int length, long dataOffset, RecordHandler handler) throws IOException {
            int start = 0;
            for (int i = 0; i < length; i++) {
                if (data[i] == '\n') {
                    long recordStart = dataOffset + start - carryLength;
                    if (carryLength == 0) {
                        handler.record(Arrays.copyOfRange(data, start, i), i - start, recordStart);
                    } else {
                        append(data, start, i - start);
                        handler.record(carry, carryLength, recordStart);
                        carryLength = 0;
                    }
                    start = i + 1;
                }
            }
            append(data, start, length - start);
        }

        private void append(byte[] data, int offset, int length) {
            if (carryLength + length > carry.length) {
                carry = Arrays.copyOf(carry, Math.max(carryLength + length, carry.length * 2));
            }
            System.arraycopy(data, offset, carry, carryLength, length);
            carryLength += length;
        }

        void reset() {
            carryLength = 0;
        }
    }

    /** The text stream, reading the file lazily as the caller reads. */
    private static final class FollowingStream extends InputStream {
        private final Path path;
        private final LogQuery query;
        private final BooleanSupplier writerFinished;
        private final Duration pollInterval;
        private final RecordScanner scanner = new RecordScanner();
        private final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        private final ByteArrayOutputStream pendingOutput = new ByteArrayOutputStream();
        private byte[] output = new byte[0];
        private int outputPosition;
        private FileChannel channel;
        private Object fileKey;
        private long position;
        private boolean atLineStart = true;
        private long remainingBytes;
        private boolean ended;
        private boolean closed;

        FollowingStream(Path path, LogQuery query, BooleanSupplier writerFinished, Duration pollInterval) {
            this.path = path;
            this.query = query;
            this.writerFinished = writerFinished;
            this.pollInterval = pollInterval;
            this.remainingBytes = query.limitBytes().orElse(Long.MAX_VALUE);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, target.length);
            if (length == 0) {
                return 0;
            }
            while (outputPosition == output.length) {
                if (closed || ended || !fill()) {
                    return -1;
                }
            }
            int n = Math.min(length, output.length - outputPosition);
            System.arraycopy(output, outputPosition, target, offset, n);
            outputPosition += n;
            return n;
        }

        /** Reads more of the file into {@link #output}; false when the stream has ended. */
        private boolean fill() throws IOException {
            boolean finishedBeforeRead = writerFinished.getAsBoolean();
            if (channel == null && !openFile(finishedBeforeRead)) {
                return !ended;
            }
            chunk.clear();
            int n = channel.read(chunk, position);
            if (n > 0) {
                position += n;
                scanner.accept(chunk.array(), n, position - n, (record, recordLength, start) -> emit(record, recordLength));
                takeOutput();
                return true;
            }
            if (!query.follow()) {
                ended = true;
                return false;
            }
            if (switchIfRotated()) {
                return true;
            }
            if (finishedBeforeRead) {
                ended = true;
                return false;
            }
            pause();
            return true;
        }

        /** Opens the log (at the tail position); when following a log not created yet, waits for it. */
        private boolean openFile(boolean finishedBeforeRead) throws IOException {
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                if (!query.follow() || finishedBeforeRead) {
                    ended = true;
                } else {
                    pause();
                }
                return false;
            }
            fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            position = query.tailLines().isPresent() ? tailStart(channel, query.tailLines().getAsInt()) : 0;
            return true;
        }

        /**
         * If the writer rotated the file (the path now names another file), reads the rest of the old one and
         * continues with the new one from its start.
         */
        private boolean switchIfRotated() throws IOException {
            Object currentKey;
            try {
                currentKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            } catch (NoSuchFileException e) {
                return false; // between the writer's rename and its creation of the new file
            }
            if (Objects.equals(currentKey, fileKey)) {
                return false;
            }
            for (int i = 0; i < 10_000; i++) {
                chunk.clear();
                int n = channel.read(chunk, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                scanner.accept(chunk.array(), n, position - n, (record, recordLength, start) -> emit(record, recordLength));
            }
            channel.close();
            scanner.reset();
            channel = FileChannel.open(path, StandardOpenOption.READ);
            fileKey = currentKey;
            position = 0;
            takeOutput();
            return true;
        }

        private void emit(byte[] record, int length) {
            if (ended) {
                return;
            }
            CriLogLine line;
            try {
                line = CriLogLine.parse(record, 0, length);
            } catch (IllegalArgumentException malformed) {
                return;
            }
            boolean lineStart = atLineStart;
            atLineStart = !line.partial();
            if (query.since().isPresent() && line.time().isBefore(query.since().get())) {
                return;
            }
            if (query.timestamps() && lineStart) {
                write((CriLogLine.formatTimestamp(line.time()) + " ").getBytes(StandardCharsets.US_ASCII));
            }
            write(line.content());
            if (!line.partial()) {
                write(new byte[] {'\n'});
            }
        }

        private void write(byte[] bytes) {
            if (ended) {
                return;
            }
            int n = (int) Math.min(bytes.length, remainingBytes);
            pendingOutput.write(bytes, 0, n);
            remainingBytes -= n;
            if (remainingBytes == 0) {
                ended = true;
            }
        }

        private void takeOutput() {
            output = pendingOutput.toByteArray();
            outputPosition = 0;
            pendingOutput.reset();
        }

        private void pause() throws InterruptedIOException {
            try {
                Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while following " + path);
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            if (channel != null) {
                channel.close();
            }
        }
    }
}
