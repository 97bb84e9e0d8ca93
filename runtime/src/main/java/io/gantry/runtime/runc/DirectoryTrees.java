package io.gantry.runtime.runc;

import io.gantry.runtime.linux.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/** Removing bundle directories without ever descending into something still mounted there. */
final class DirectoryTrees {

    private DirectoryTrees() {}

    /**
     * Deletes {@code directory} and everything below it; nothing if it does not exist.
     *
     * @throws IllegalStateException when a filesystem is still mounted below it: deleting through an overlay mount
     *                               would delete files of the image layers or the volume behind it
     */
    static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        List<Path> mounted = MountTable.mountPointsUnder(directory);
        if (!mounted.isEmpty()) {
            throw new IllegalStateException("refusing to delete " + directory + ": still mounted there: " + mounted);
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // removed concurrently: the goal is reached
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
