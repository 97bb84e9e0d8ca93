package io.gantry.runtime.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Mounts and unmounts overlayfs with mount(2)/umount2(2). */
public final class OverlayMount {

    private OverlayMount() {}

    /**
     * The mount(2) data string {@code lowerdir=a:b,upperdir=u,workdir=w}.
     *
     * <p>mount(2) copies its data argument into a single page, so the string must be shorter than a page: with many
     * layers under long paths it is not, and the kernel would reject or cut it. This fails first, saying so.
     *
     * @param pageSize the system's page size ({@code getpagesize()}; 4096 on x86-64)
     * @throws IllegalArgumentException when a path cannot be expressed in the option string or the string is too long
     */
    public static String options(List<Path> lowerDirs, Path upperDir, Path workDir, int pageSize) {
        for (Path path : lowerDirs) {
            requireExpressible(path);
        }
        requireExpressible(upperDir);
        requireExpressible(workDir);
        String lower = lowerDirs.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(":"));
        String options = "lowerdir=" + lower + ",upperdir=" + upperDir.toAbsolutePath() + ",workdir=" + workDir.toAbsolutePath();
        int length = options.getBytes(StandardCharsets.UTF_8).length;
        if (length >= pageSize) {
            throw new IllegalArgumentException("the overlayfs mount options for " + lowerDirs.size() + " lower directories are "
                    + length + " bytes, but mount(2) takes at most " + (pageSize - 1) + " (one page): use fewer image "
                    + "layers or shorter layer paths (e.g. a shorter image store directory)");
        }
        return options;
    }

    private static void requireExpressible(Path path) {
        String text = path.toAbsolutePath().toString();
        if (text.contains(":") || text.contains(",") || text.contains("\\")) {
            throw new IllegalArgumentException("overlayfs cannot take a directory whose path contains ':', ',' or '\\': " + text);
        }
    }

    /**
     * Mounts the layers at {@code target} (an existing empty directory). Creates {@code upperDir} and {@code workDir}
     * if they do not exist yet.
     */
    public static void mount(List<Path> lowerDirs, Path upperDir, Path workDir, Path target) {
        for (Path lower : lowerDirs) {
            if (!Files.isDirectory(lower)) {
                throw new IllegalArgumentException("overlay lower directory " + lower + " does not exist or is no directory");
            }
        }
        try {
            Files.createDirectories(upperDir);
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create overlay upper/work directories " + upperDir + ", " + workDir, e);
        }
        String options = options(lowerDirs, upperDir, workDir, LibC.INSTANCE.getpagesize());
        try {
            LibC.INSTANCE.mount("overlay", target.toAbsolutePath().toString(), "overlay", 0, options);
        } catch (LastErrorException e) {
            throw new IllegalStateException("mounting overlayfs at " + target + " failed: " + e.getMessage()
                    + " (upper and work directories must be on one filesystem that supports overlayfs upper layers, e.g. "
                    + "ext4 or xfs, not overlayfs itself; options: " + options + ")", e);
        }
    }

    /**
     * Detaches whatever is mounted at {@code target} (MNT_DETACH: processes still using it keep their view until they
     * let go). Nothing mounted, or no such directory, is fine.
     */
    public static void unmount(Path target) {
        try {
            LibC.INSTANCE.umount2(target.toAbsolutePath().toString(), LibC.MNT_DETACH);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != LibC.EINVAL && e.getErrorCode() != LibC.ENOENT) {
                throw new IllegalStateException("unmounting " + target + " failed: " + e.getMessage(), e);
            }
        }
    }
}
