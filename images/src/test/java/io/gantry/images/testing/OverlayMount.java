package io.gantry.images.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An overlayfs mount of image layers, made with the real {@code mount} as the runtime will: lower
 * directories topmost first (what {@code ImageService.lowerDirs} returns), plus a scratch upper and work
 * directory so any number of layers mounts. {@link #close()} unmounts (lazily if busy) and removes the scratch.
 */
public final class OverlayMount implements AutoCloseable {
    private final Path target;
    private final Path scratch;

    private OverlayMount(Path target, Path scratch) {
        this.target = target;
        this.scratch = scratch;
    }

    /** Mounts {@code lowerDirs} (topmost first) at {@code target}, which must be an existing empty directory. */
    public static OverlayMount mount(List<Path> lowerDirs, Path target) throws IOException {
        Path scratch = Files.createTempDirectory("gantry-overlay-");
        Path upper = Files.createDirectory(scratch.resolve("upper"));
        Path work = Files.createDirectory(scratch.resolve("work"));
        String options = "lowerdir=" + String.join(":", lowerDirs.stream().map(Path::toString).toList())
                + ",upperdir=" + upper + ",workdir=" + work;
        try {
            run("mount", "-t", "overlay", "overlay", "-o", options, target.toString());
        } catch (IOException | RuntimeException e) {
            TestRegistry.deleteTree(scratch);
            throw e;
        }
        return new OverlayMount(target, scratch);
    }

    public Path root() {
        return target;
    }

    @Override
    public void close() throws IOException {
        try {
            run("umount", target.toString());
        } catch (IOException e) {
            run("umount", "-l", target.toString());
        } finally {
            TestRegistry.deleteTree(scratch);
        }
    }

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
        }
    }
}
