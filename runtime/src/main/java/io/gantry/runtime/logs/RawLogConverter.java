package io.gantry.runtime.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.runtime.LogPaths;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts a container's raw stdout/stderr files into its CRI log, one bounded {@link #pass()} at a time (the caller
 * decides when to run them; {@link ContainerLogs} does it on a timer).
 *
 * <p>How far each raw file has been converted is saved in {@code <criLog>.offsets} after every pass, so a new
 * converter (after an agent restart) resumes where the last one stopped. A line still unfinished is not counted as
 * converted, and is read again after a restart. A crash between writing records and saving the offsets repeats
 * those records once.
 *
 * <p>Raw files are truncated in place ("copy-truncate") once fully converted and at least
 * {@link LogRotation#maxSizeBytes()} long. The container writes them in append mode, so it simply continues at the
 * new end; bytes it writes in the instant between the final size check and the truncation are lost.
 */
public final class RawLogConverter implements Closeable {

    /** At most this much is read from each raw file per pass, so one pass stays short. */
    static final int MAX_READ_PER_PASS = 256 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path offsetsFile;
    private final RotatingLogFile output;
    private final LogRotation rotation;
    private final Clock clock;
    private final List<Source> sources;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    /** One raw file and how far it has been read. */
    private static final class Source {
        final CriStream stream;
        final Path path;
        final CriLineSplitter splitter;
        long position;
        long savedOffset = -1;

        Source(CriStream stream, Path path) {
            this.stream = stream;
            this.path = path;
            this.splitter = new CriLineSplitter(stream);
        }

        /** What the CRI log holds: everything read except the unfinished line. */
        long convertedOffset() {
            return position - splitter.pendingBytes();
        }
    }

    /** Opens (or creates) the CRI log and resumes from saved offsets. */
    public RawLogConverter(LogPaths raw, Path criLog, LogRotation rotation, Clock clock) throws IOException {
        this.offsetsFile = criLog.resolveSibling(criLog.getFileName() + ".offsets");
        this.output = new RotatingLogFile(criLog, rotation);
        this.rotation = rotation;
        this.clock = clock;
        this.sources = List.of(new Source(CriStream.STDOUT, raw.stdout()), new Source(CriStream.STDERR, raw.stderr()));
        resume();
    }

    private void resume() throws IOException {
        if (!Files.exists(offsetsFile)) {
            return;
        }
        ObjectNode saved = (ObjectNode) JSON.readTree(offsetsFile.toFile());
        for (Source source : sources) {
            long offset = saved.path(source.stream.tag()).asLong(0);
            long size = sizeOf(source.path);
            // A raw file shorter than the saved offset was truncated or replaced meanwhile: start over.
            source.position = offset <= size ? offset : 0;
            source.savedOffset = offset;
        }
    }

    /**
     * Converts what the raw files gained since the last pass (at most {@link #MAX_READ_PER_PASS} bytes of each).
     *
     * @return how many raw bytes were read
     */
    public long pass() throws IOException {
        long read = 0;
        List<CriLogLine> lines = new ArrayList<>();
        Instant now = clock.instant();
        for (Source source : sources) {
            read += readNew(source, now, lines);
        }
        output.append(lines);
        saveOffsets();
        truncateConvertedRawFiles();
        return read;
    }

    /**
     * Converts everything left, including unfinished last lines (as {@code P} records, as containerd does): the
     * container has stopped, so nothing more will come.
     */
    public void finish() throws IOException {
        for (int i = 0; i < 100_000 && pass() > 0; i++) {
            // each pass is bounded; a raw file of several GiB takes a while
        }
        List<CriLogLine> lines = new ArrayList<>();
        Instant now = clock.instant();
        for (Source source : sources) {
            source.splitter.flush(now).ifPresent(lines::add);
        }
        output.append(lines);
        saveOffsets();
    }

    private long readNew(Source source, Instant now, List<CriLogLine> lines) throws IOException {
        long size = sizeOf(source.path);
        if (size < source.position) {
            // Truncated by someone else: whatever was waiting for its newline will not get it.
            source.splitter.flush(now).ifPresent(lines::add);
            source.position = 0;
        }
        if (size == source.position) {
            return 0;
        }
        long read = 0;
        try (FileChannel channel = FileChannel.open(source.path, StandardOpenOption.READ)) {
            while (read < MAX_READ_PER_PASS) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), MAX_READ_PER_PASS - read));
                int n = channel.read(buffer, source.position);
                if (n <= 0) {
                    break;
                }
                lines.addAll(source.splitter.accept(buffer.array(), n, now));
                source.position += n;
                read += n;
            }
        } catch (NoSuchFileException e) {
            return 0;
        }
        return read;
    }

    private void truncateConvertedRawFiles() throws IOException {
        for (Source source : sources) {
            if (source.position < rotation.maxSizeBytes()) {
                continue;
            }
            try (FileChannel channel = FileChannel.open(source.path, StandardOpenOption.WRITE)) {
                if (channel.size() != source.position) {
                    continue; // more arrived: convert it first, truncate on a later pass
                }
                // The unfinished line's bytes vanish with the truncation: put them in the log now.
                Optional<CriLogLine> unfinished = source.splitter.flush(clock.instant());
                if (unfinished.isPresent()) {
                    output.append(List.of(unfinished.get()));
                }
                channel.truncate(0);
                source.position = 0;
            } catch (NoSuchFileException e) {
                source.position = 0;
            }
        }
        saveOffsets();
    }

    private void saveOffsets() throws IOException {
        boolean changed = false;
        ObjectNode offsets = JSON.createObjectNode();
        for (Source source : sources) {
            long offset = source.convertedOffset();
            offsets.put(source.stream.tag(), offset);
            changed |= offset != source.savedOffset;
        }
        if (!changed) {
            return;
        }
        Path temporary = offsetsFile.resolveSibling(offsetsFile.getFileName() + ".tmp");
        Files.write(temporary, JSON.writeValueAsBytes(offsets));
        Files.move(temporary, offsetsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        for (Source source : sources) {
            source.savedOffset = source.convertedOffset();
        }
    }

    private static long sizeOf(Path path) throws IOException {
        try {
            return Files.size(path);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Saves the offsets and closes the CRI log; unfinished lines stay in the raw files for the next converter. */
    @Override
    public void close() throws IOException {
        try {
            saveOffsets();
        } finally {
            output.close();
        }
    }
}
