package io.gantry.images.snapshot;

import com.sun.jna.Native;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/** The libc calls of {@link LibC} with errors turned into IOExceptions that name the file and the errno. */
final class Posix {
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFBLK = 0060000;
    static final int EPERM = 1;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int ENODATA = 61;

    private Posix() {
    }

    /** Linux's {@code makedev}: the dev_t encoding glibc uses for 32-bit major/minor numbers. */
    static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffff000L) << 32) | ((ma & 0x00000fffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0x000000ffL);
    }

    static void mknod(Path path, int mode, long dev) throws PosixException {
        check(LibC.Holder.INSTANCE.mknod(path.toString(), mode, dev), "mknod", path);
    }

    static void lchown(Path path, int uid, int gid) throws PosixException {
        check(LibC.Holder.INSTANCE.lchown(path.toString(), uid, gid), "lchown", path);
    }

    /** chmod with all 12 permission bits, including setuid, setgid and sticky, which NIO cannot set. */
    static void chmod(Path path, int mode) throws PosixException {
        check(LibC.Holder.INSTANCE.chmod(path.toString(), mode & 07777), "chmod", path);
    }

    static void lsetxattr(Path path, String name, byte[] value) throws PosixException {
        check(LibC.Holder.INSTANCE.lsetxattr(path.toString(), name, value, value.length, 0), "lsetxattr " + name, path);
    }

    /**
     * Sets access and modification times without opening the file (NIO's setTimes opens it, which blocks
     * forever on a fifo) and without following a symbolic link.
     */
    static void lutimes(Path path, Instant accessed, java.time.Instant modified) throws PosixException {
        long[] times = {accessed.getEpochSecond(), accessed.getNano(), modified.getEpochSecond(), modified.getNano()};
        check(LibC.Holder.INSTANCE.utimensat(AT_FDCWD, path.toAbsolutePath().toString(), times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    /** The attribute's value, or null if the file does not have it. */
    static byte[] lgetxattr(Path path, String name) throws PosixException {
        byte[] buffer = new byte[4096];
        long n = LibC.Holder.INSTANCE.lgetxattr(path.toString(), name, buffer, buffer.length);
        if (n < 0) {
            int errno = Native.getLastError();
            if (errno == ENODATA) {
                return null;
            }
            throw new PosixException("lgetxattr " + name, path, errno);
        }
        return Arrays.copyOf(buffer, (int) n);
    }

    private static void check(int result, String call, Path path) throws PosixException {
        if (result != 0) {
            throw new PosixException(call, path, Native.getLastError());
        }
    }

    /** A failed system call; {@link #errno()} lets callers tolerate e.g. EPERM where that is harmless. */
    static final class PosixException extends IOException {
        private final int errno;

        PosixException(String call, Path path, int errno) {
            super(call + " " + path + ": " + LibC.Holder.INSTANCE.strerror(errno) + " (errno " + errno + ")");
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }
}
