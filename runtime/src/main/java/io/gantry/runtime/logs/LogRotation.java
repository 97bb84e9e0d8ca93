package io.gantry.runtime.logs;

/**
 * How big a container's logs may grow, like kubelet's {@code containerLogMaxSize} and {@code containerLogMaxFiles}:
 * the CRI log is rotated ({@code log -> log.1 -> log.2 ...}) when it would exceed {@code maxSizeBytes}, keeping
 * {@code maxFiles} files in all, and a raw stdout/stderr file is truncated once it has been converted and holds
 * {@code maxSizeBytes} or more. So a container's logs take at most about {@code maxSizeBytes * (maxFiles + 2)}.
 */
public record LogRotation(long maxSizeBytes, int maxFiles) {

    /** kubelet's defaults: 10 MiB, 5 files. */
    public static final LogRotation KUBELET_DEFAULT = new LogRotation(10L * 1024 * 1024, 5);

    public LogRotation {
        if (maxSizeBytes < 1024) {
            throw new IllegalArgumentException("the maximum log size must be at least 1024 bytes, got " + maxSizeBytes);
        }
        if (maxFiles < 2) {
            throw new IllegalArgumentException("at least 2 log files are needed (the current one and a rotated one), got "
                    + maxFiles);
        }
    }
}
