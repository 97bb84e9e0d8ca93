package io.gantry.agent.node;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a directory tree holds on its own file system: bytes of its files and inodes of its entries, as the
 * kubelet's du-based stats count them. Trees mounted below it (a memory-backed emptyDir, a bind mount of a host
 * path) belong to other file systems and are not counted; files that vanish during the walk are skipped.
 */
record DiskUsage(long bytes, long inodes) {
    static final DiskUsage NONE = new DiskUsage(0, 0);

    DiskUsage plus(DiskUsage other) {
        return new DiskUsage(bytes + other.bytes, inodes + other.inodes);
    }

    static DiskUsage of(Path root) {
        if (!Files.isDirectory(root)) {
            return NONE;
        }
        long[] totals = new long[2];
        try {
            Object device = Files.getAttribute(root, "unix:dev");
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(root) && !device.equals(Files.getAttribute(dir, "unix:dev"))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    totals[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    totals[0] += attrs.size();
                    totals[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException e) {
            // what was counted before the failure is still a lower bound
        }
        return new DiskUsage(totals[0], totals[1]);
    }
}
