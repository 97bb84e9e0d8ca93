package io.gantry.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Files the container's stdout and stderr are appended to. The container writes them directly (they are opened in
 * append mode and handed to it), so it never depends on the agent process: an agent restart neither kills nor blocks
 * it. {@link io.gantry.runtime.logs.ContainerLogs} turns them into a CRI-format log.
 */
public record LogPaths(Path stdout, Path stderr) {

    public LogPaths {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        if (stdout.toAbsolutePath().normalize().equals(stderr.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("stdout and stderr need separate files (the CRI log tells the streams apart), got "
                    + stdout + " for both");
        }
    }

    /** {@code DIR/stdout} and {@code DIR/stderr}. */
    public static LogPaths in(Path directory) {
        return new LogPaths(directory.resolve("stdout"), directory.resolve("stderr"));
    }
}
