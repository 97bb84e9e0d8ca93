package io.gantry.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A mount in the container, in the OCI runtime spec's terms. One whose destination equals a standard mount's
 * ({@code /proc}, {@code /dev}, {@code /dev/pts}, {@code /dev/shm}, {@code /dev/mqueue}, {@code /sys},
 * {@code /sys/fs/cgroup}) replaces it.
 *
 * @param destination absolute path inside the container
 * @param type        filesystem type ({@code bind}, {@code tmpfs}, ...)
 * @param source      what is mounted: a host path for bind mounts, a name otherwise
 * @param options     mount options ({@code rbind}, {@code ro}, {@code nosuid}, {@code size=64m}, ...)
 */
public record Mount(String destination, String type, String source, List<String> options) {

    public Mount {
        Objects.requireNonNull(destination, "destination");
        if (!destination.startsWith("/")) {
            throw new IllegalArgumentException("a mount destination must be an absolute path, got '" + destination + "'");
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        options = List.copyOf(Objects.requireNonNull(options, "options"));
    }

    /** A recursive bind mount of a host path (volumes, the pod's /etc/hosts, service account tokens). */
    public static Mount bind(Path source, String destination, boolean readOnly) {
        List<String> options = new ArrayList<>(List.of("rbind", "rprivate"));
        if (readOnly) {
            options.add("ro");
        }
        return new Mount(destination, "bind", source.toString(), options);
    }

    /** A private tmpfs (emptyDir with medium Memory). */
    public static Mount tmpfs(String destination, List<String> options) {
        return new Mount(destination, "tmpfs", "tmpfs", options);
    }
}
