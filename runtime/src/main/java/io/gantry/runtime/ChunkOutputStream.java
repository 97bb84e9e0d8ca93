package io.gantry.runtime;

import java.io.IOException;
import java.io.OutputStream;

/** An OutputStream over a function that writes chunks, and an optional action on close. */
public final class ChunkOutputStream extends OutputStream {

    /** Writes {@code length} bytes of {@code buffer} from {@code offset}. */
    @FunctionalInterface
    public interface ChunkWriter {
        void write(byte[] buffer, int offset, int length) throws IOException;
    }

    private final ChunkWriter writer;
    private final Runnable onClose;

    public ChunkOutputStream(ChunkWriter writer) {
        this(writer, () -> { });
    }

    public ChunkOutputStream(ChunkWriter writer, Runnable onClose) {
        this.writer = writer;
        this.onClose = onClose;
    }

    @Override
    public void write(int b) throws IOException {
        writer.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        if (length > 0) {
            writer.write(buffer, offset, length);
        }
    }

    @Override
    public void close() {
        onClose.run();
    }
}
