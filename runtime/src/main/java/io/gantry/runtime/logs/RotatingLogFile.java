package io.gantry.runtime.logs;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A CRI log file that rotates by size: before a write would take it over the limit, {@code log.N-1} is dropped,
 * {@code log.i} becomes {@code log.i+1} and {@code log} becomes {@code log.1}. Records are never split across files.
 */
final class RotatingLogFile implements Closeable {

    private final Path path;
    private final LogRotation rotation;
    private FileChannel channel;
    private long size;

    RotatingLogFile(Path path, LogRotation rotation) throws IOException {
        this.path = path;
        this.rotation = rotation;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        open();
    }

    private void open() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    /** The current file first, then {@code .1}, {@code .2}, ... (newest to oldest) as far as {@code maxFiles} goes. */
    static List<Path> files(Path path, int maxFiles) {
        List<Path> files = new ArrayList<>();
        files.add(path);
        for (int i = 1; i < maxFiles; i++) {
            files.add(rotated(path, i));
        }
        return files;
    }

    static Path rotated(Path path, int generation) {
        return path.resolveSibling(path.getFileName() + "." + generation);
    }

    /** Appends the records, rotating between them as needed. */
    void append(List<CriLogLine> lines) throws IOException {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (CriLogLine line : lines) {
            byte[] bytes = line.encode();
            long sizeAfter = size + batch.size() + bytes.length;
            if (sizeAfter > rotation.maxSizeBytes() && size + batch.size() > 0) {
                write(batch);
                rotate();
            }
            batch.writeBytes(bytes);
        }
        write(batch);
    }

    private void write(ByteArrayOutputStream batch) throws IOException {
        if (batch.size() == 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(batch.toByteArray());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        size += batch.size();
        batch.reset();
    }

    private void rotate() throws IOException {
        channel.close();
        Files.deleteIfExists(rotated(path, rotation.maxFiles() - 1));
        for (int generation = rotation.maxFiles() - 2; generation >= 1; generation--) {
            Path from = rotated(path, generation);
            if (Files.exists(from)) {
                Files.move(from, rotated(path, generation + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(path, rotated(path, 1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
