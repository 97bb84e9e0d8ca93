package io.gantry.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Where a container's root filesystem comes from. */
public sealed interface Rootfs {

    /**
     * Image layers stacked with overlayfs, mounted by the runtime at the bundle's {@code rootfs} before the container
     * is created and unmounted when it is deleted. The container's writes land in {@code upperDir}.
     *
     * @param lowerDirs read-only layers, topmost first (overlayfs' own order)
     * @param upperDir  the writable layer; must be on the same filesystem as {@code workDir}
     * @param workDir   an empty directory overlayfs needs for its own bookkeeping
     */
    record Overlay(List<Path> lowerDirs, Path upperDir, Path workDir) implements Rootfs {
        public Overlay {
            lowerDirs = List.copyOf(Objects.requireNonNull(lowerDirs, "lowerDirs"));
            if (lowerDirs.isEmpty()) {
                throw new IllegalArgumentException("an overlay rootfs needs at least one lower directory");
            }
            Objects.requireNonNull(upperDir, "upperDir");
            Objects.requireNonNull(workDir, "workDir");
        }
    }

    /** A directory used as it is (the runtime neither mounts nor removes it). */
    record Directory(Path path) implements Rootfs {
        public Directory {
            Objects.requireNonNull(path, "path");
        }
    }
}
