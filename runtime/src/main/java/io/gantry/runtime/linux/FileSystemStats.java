package io.gantry.runtime.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file system's inodes by {@code statvfs(3)}, which {@link java.nio.file.FileStore} does not report.
 *
 * @param inodes     all inodes ({@code f_files}); 0 on file systems without a fixed number
 * @param inodesFree inodes free for unprivileged users ({@code f_favail})
 */
public record FileSystemStats(long inodes, long inodesFree) {
    /** The size of struct statvfs on x86_64 glibc; f_files is at 40, f_favail at 56. */
    private static final int STRUCT_SIZE = 112;

    public static FileSystemStats of(Path path) throws IOException {
        try (Memory buffer = new Memory(STRUCT_SIZE)) {
            buffer.clear();
            LibC.INSTANCE.statvfs(path.toString(), buffer);
            return new FileSystemStats(buffer.getLong(40), buffer.getLong(56));
        } catch (LastErrorException e) {
            throw new IOException("statvfs " + path + ": errno " + e.getErrorCode(), e);
        }
    }
}
