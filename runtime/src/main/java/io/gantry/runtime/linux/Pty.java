package io.gantry.runtime.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A pseudo-terminal of this host: the master side stays here, the slave side ({@link #slave()}) is a path a child
 * process opens as its stdio. Reading the master gives what the child writes to its terminal, writing it types.
 *
 * <p>Reads and writes are blocking native calls, so callers should make them on platform threads: a virtual thread
 * would pin its carrier for as long as the terminal is quiet. The master reports end of input once every holder of
 * the slave side has closed it (the kernel answers EIO, which {@link #input()} turns into end of stream).
 */
public final class Pty implements AutoCloseable {

    private final int master;
    /** Null for a master received from elsewhere, whose slave side's name is not known here. */
    private final Path slave;
    private volatile boolean closed;

    private Pty(int master, Path slave) {
        this.master = master;
        this.slave = slave;
    }

    /** A new pseudo-terminal of the given size. */
    public static Pty open(int columns, int rows) throws IOException {
        int fd;
        try {
            fd = LibC.INSTANCE.posix_openpt(LibC.O_RDWR | LibC.O_NOCTTY);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a pseudo-terminal (posix_openpt): " + e.getMessage(), e);
        }
        try {
            LibC.INSTANCE.grantpt(fd);
            LibC.INSTANCE.unlockpt(fd);
            byte[] name = new byte[128];
            int error = LibC.INSTANCE.ptsname_r(fd, name, name.length);
            if (error != 0) {
                throw new IOException("cannot name the pseudo-terminal's slave side (ptsname_r): errno " + error);
            }
            int end = 0;
            while (end < name.length && name[end] != 0) {
                end++;
            }
            Pty pty = new Pty(fd, Path.of(new String(name, 0, end, StandardCharsets.US_ASCII)));
            pty.resize(columns, rows);
            return pty;
        } catch (LastErrorException | IOException e) {
            LibC.INSTANCE.close(fd);
            throw e instanceof IOException io ? io
                    : new IOException("cannot set up the pseudo-terminal: " + e.getMessage(), e);
        }
    }

    /** A terminal whose master side another process opened and handed over (see {@link ConsoleSocket}). */
    static Pty ofMaster(int master) {
        return new Pty(master, null);
    }

    /** The slave side's device, e.g. /dev/pts/3; empty for a terminal opened elsewhere. */
    public java.util.Optional<Path> slave() {
        return java.util.Optional.ofNullable(slave);
    }

    /** Sets the terminal's size; the kernel tells the terminal's foreground process group with SIGWINCH. */
    public void resize(int columns, int rows) throws IOException {
        if (columns <= 0 || rows <= 0 || columns > 0xFFFF || rows > 0xFFFF) {
            throw new IllegalArgumentException("terminal size " + columns + "x" + rows + " is out of range");
        }
        try {
            LibC.INSTANCE.ioctl(master, LibC.TIOCSWINSZ, new short[] {(short) rows, (short) columns, 0, 0});
        } catch (LastErrorException e) {
            throw new IOException("cannot resize the pseudo-terminal (TIOCSWINSZ): " + e.getMessage(), e);
        }
    }

    /** What the child writes to the terminal; ends when the last holder of the slave side closed it. */
    public InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                byte[] chunk = offset == 0 ? buffer : new byte[length];
                while (true) {
                    if (closed) {
                        return -1;
                    }
                    try {
                        int n = (int) LibC.INSTANCE.read(master, chunk, length);
                        if (n <= 0) {
                            return -1;
                        }
                        if (chunk != buffer) {
                            System.arraycopy(chunk, 0, buffer, offset, n);
                        }
                        return n;
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() == LibC.EINTR) {
                            continue;
                        }
                        if (e.getErrorCode() == LibC.EIO) {
                            return -1; // the slave side is closed everywhere: the child is done
                        }
                        throw new IOException("reading the pseudo-terminal: " + e.getMessage(), e);
                    }
                }
            }
        };
    }

    /** Input to the child, as if typed; all of it, however many writes that takes. */
    public void write(byte[] buffer, int offset, int length) throws IOException {
        byte[] rest = java.util.Arrays.copyOfRange(buffer, offset, offset + length);
        while (rest.length > 0) {
            if (closed) {
                throw new IOException("the pseudo-terminal is closed");
            }
            try {
                int n = (int) LibC.INSTANCE.write(master, rest, rest.length);
                rest = java.util.Arrays.copyOfRange(rest, n, rest.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new IOException("writing the pseudo-terminal: " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(master);
        }
    }
}
