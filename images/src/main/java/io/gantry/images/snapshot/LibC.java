package io.gantry.images.snapshot;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The libc calls unpacking needs and java.nio.file lacks. Return values are raw; {@link Posix} checks them. */
interface LibC extends Library {
    int mknod(String path, int mode, long dev);

    int lchown(String path, int uid, int gid);

    int chmod(String path, int mode);

    int lsetxattr(String path, String name, byte[] value, long size, int flags);

    long lgetxattr(String path, String name, byte[] value, long size);

    /** {@code times} is {@code struct timespec[2]} (atime, mtime) laid out as four longs: sec, nsec, sec, nsec. */
    int utimensat(int dirfd, String path, long[] times, int flags);

    String strerror(int errno);

    /** Loaded on first use, so merely loading the class never touches native code. */
    final class Holder {
        static final LibC INSTANCE = Native.load("c", LibC.class);

        private Holder() {
        }
    }
}
