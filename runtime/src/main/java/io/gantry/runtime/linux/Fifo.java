package io.gantry.runtime.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;

/** Named pipes (FIFOs), which Java can open and use but not make. */
public final class Fifo {

    private Fifo() {
    }

    /** Makes a FIFO at {@code path}, readable and writable by its owner only. */
    public static void make(Path path) throws IOException {
        try {
            LibC.INSTANCE.mkfifo(path.toString(), 0600);
        } catch (LastErrorException e) {
            throw new IOException("cannot make the FIFO " + path + ": " + e.getMessage(), e);
        }
    }
}
