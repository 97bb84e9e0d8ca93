package io.gantry.runtime.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A listening Unix socket that receives one file descriptor: what {@code runc create --console-socket} sends for a
 * container with a terminal, the master side of the terminal runc made in the container.
 *
 * <p>The socket lives in the abstract namespace (no file, so no path length limit) under a random name, given to
 * runc as {@code @name}. It is non-blocking: {@link #receiveTerminal()} is called once runc create has returned,
 * when the connection and its message are already queued.
 */
public final class ConsoleSocket implements AutoCloseable {
    private static final int SOCK_NONBLOCK = 0x800;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int fd;
    private final String name;
    private boolean closed;

    private ConsoleSocket(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    public static ConsoleSocket listen() throws IOException {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        String name = "gantry-console-" + HexFormat.of().formatHex(random);
        int fd;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot make a Unix socket: " + e.getMessage(), e);
        }
        try {
            byte[] path = name.getBytes(StandardCharsets.US_ASCII);
            byte[] address = new byte[2 + 1 + path.length];
            address[0] = (byte) LibC.AF_UNIX; // sun_family, little-endian; sun_path[0] = 0 marks the abstract name
            System.arraycopy(path, 0, address, 3, path.length);
            LibC.INSTANCE.bind(fd, address, address.length);
            LibC.INSTANCE.listen(fd, 1);
            return new ConsoleSocket(fd, name);
        } catch (LastErrorException e) {
            LibC.INSTANCE.close(fd);
            throw new IOException("cannot listen on the console socket @" + name + ": " + e.getMessage(), e);
        }
    }

    /** What runc takes as {@code --console-socket}. */
    public String address() {
        return "@" + name;
    }

    /** The terminal's master side, from the connection runc made; fails when there is none. */
    public Pty receiveTerminal() throws IOException {
        int connection;
        try {
            connection = LibC.INSTANCE.accept4(fd, null, null, LibC.SOCK_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("the OCI runtime did not send the container's terminal to " + address() + ": "
                    + e.getMessage(), e);
        }
        try {
            int master = receiveDescriptor(connection);
            if (LibC.INSTANCE.isatty(master) != 1) {
                LibC.INSTANCE.close(master);
                throw new IOException("the descriptor received on " + address() + " is no terminal");
            }
            return Pty.ofMaster(master);
        } finally {
            LibC.INSTANCE.close(connection);
        }
    }

    /** recvmsg with room for one SCM_RIGHTS descriptor; the layouts are those of LP64 Linux. */
    private static int receiveDescriptor(int connection) throws IOException {
        Memory data = new Memory(4096);
        Memory iov = new Memory(16);
        iov.setPointer(0, data);
        iov.setLong(8, data.size());
        Memory control = new Memory(64);
        control.clear();
        Memory message = new Memory(56);
        message.clear();
        message.setPointer(16, iov);
        message.setLong(24, 1);
        message.setPointer(32, control);
        message.setLong(40, control.size());
        try {
            LibC.INSTANCE.recvmsg(connection, message, LibC.MSG_CMSG_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("receiving the container's terminal failed: " + e.getMessage(), e);
        }
        long controlLength = message.getLong(40);
        Pointer header = control;
        if (controlLength < 20 || header.getInt(8) != LibC.SOL_SOCKET || header.getInt(12) != LibC.SCM_RIGHTS) {
            throw new IOException("the OCI runtime's console message carried no file descriptor");
        }
        return header.getInt(16);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }
}
