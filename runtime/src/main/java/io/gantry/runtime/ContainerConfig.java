package io.gantry.runtime;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Everything the runtime needs to run one container. The node agent fills it from a pod; nothing here knows
 * Kubernetes objects.
 *
 * @param id             unique on the node, lowercase letters, digits and '-' (also the runc container id)
 * @param rootfs         the root filesystem
 * @param readOnlyRootfs the root filesystem is mounted read-only ({@code readOnlyRootFilesystem})
 * @param process        the main process
 * @param hostname       applied only when the container gets its own UTS namespace; null for none
 * @param mounts         added to the standard /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys and /sys/fs/cgroup
 *                       mounts (one with a standard mount's destination replaces it)
 * @param namespaces     the namespaces to create, join or share with the host
 * @param cgroup         the cgroup and its limits
 * @param oomScoreAdj    the OOM killer adjustment of the container's processes (-1000..1000), empty to inherit
 * @param log            where stdout and stderr go
 * @param openStdin      the main process reads a pipe the runtime keeps open ({@link ContainerRuntime#stdin}),
 *                       as for a pod container with {@code stdin: true}; otherwise its stdin is /dev/null
 * @param terminal       the main process runs on a terminal of its own ({@code tty: true}), whose output goes to
 *                       the stdout log and whose input is {@link ContainerRuntime#stdin}
 */
public record ContainerConfig(String id, Rootfs rootfs, boolean readOnlyRootfs, ProcessConfig process, String hostname,
                              List<Mount> mounts, Namespaces namespaces, CgroupConfig cgroup, OptionalInt oomScoreAdj,
                              LogPaths log, boolean openStdin, boolean terminal) {

    private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,126}[a-z0-9])?");

    public ContainerConfig {
        Objects.requireNonNull(id, "id");
        requireValidId(id);
        Objects.requireNonNull(rootfs, "rootfs");
        Objects.requireNonNull(process, "process");
        mounts = List.copyOf(Objects.requireNonNull(mounts, "mounts"));
        Objects.requireNonNull(namespaces, "namespaces");
        Objects.requireNonNull(cgroup, "cgroup");
        Objects.requireNonNull(oomScoreAdj, "oomScoreAdj");
        if (oomScoreAdj.isPresent() && (oomScoreAdj.getAsInt() < -1000 || oomScoreAdj.getAsInt() > 1000)) {
            throw new IllegalArgumentException("oomScoreAdj must be between -1000 and 1000, got " + oomScoreAdj.getAsInt());
        }
        Objects.requireNonNull(log, "log");
    }

    /**
     * @throws IllegalArgumentException when {@code id} is no valid container id
     */
    public static void requireValidId(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("container id must be 1-128 lowercase letters, digits and '-', starting and "
                    + "ending with a letter or digit, got '" + id + "'");
        }
    }

    /** A container with private namespaces, no extra mounts, no hostname and no OOM score adjustment. */
    public static ContainerConfig of(String id, Rootfs rootfs, ProcessConfig process, CgroupConfig cgroup, LogPaths log) {
        return new ContainerConfig(id, rootfs, false, process, null, List.of(), Namespaces.allNew(), cgroup,
                OptionalInt.empty(), log, false, false);
    }

    public ContainerConfig withReadOnlyRootfs(boolean value) {
        return new ContainerConfig(id, rootfs, value, process, hostname, mounts, namespaces, cgroup, oomScoreAdj, log, openStdin, terminal);
    }

    public ContainerConfig withProcess(ProcessConfig value) {
        return new ContainerConfig(id, rootfs, readOnlyRootfs, value, hostname, mounts, namespaces, cgroup, oomScoreAdj, log, openStdin, terminal);
    }

    public ContainerConfig withHostname(String value) {
        return new ContainerConfig(id, rootfs, readOnlyRootfs, process, value, mounts, namespaces, cgroup, oomScoreAdj, log, openStdin, terminal);
    }

    public ContainerConfig withMounts(List<Mount> value) {
        return new ContainerConfig(id, rootfs, readOnlyRootfs, process, hostname, value, namespaces, cgroup, oomScoreAdj, log, openStdin, terminal);
    }

    public ContainerConfig withNamespaces(Namespaces value) {
        return new ContainerConfig(id, rootfs, readOnlyRootfs, process, hostname, mounts, value, cgroup, oomScoreAdj, log, openStdin, terminal);
    }

    public ContainerConfig withCgroup(CgroupConfig value) {
        return new ContainerConfig(id, rootfs, readOnlyRootfs, process, hostname, mounts, namespaces, value, oomScoreAdj, log, openStdin, terminal);
    }

    public ContainerConfig withResources(Resources value) {
        return withCgroup(cgroup.withResources(value));
    }

    public ContainerConfig withOpenStdin(boolean value) {
        return new ContainerConfig(id, rootfs, readOnlyRootfs, process, hostname, mounts, namespaces, cgroup, oomScoreAdj,
                log, value, terminal);
    }

    public ContainerConfig withTerminal(boolean value) {
        return new ContainerConfig(id, rootfs, readOnlyRootfs, process, hostname, mounts, namespaces, cgroup, oomScoreAdj,
                log, openStdin, value);
    }

    public ContainerConfig withOomScoreAdj(int value) {
        return new ContainerConfig(id, rootfs, readOnlyRootfs, process, hostname, mounts, namespaces, cgroup,
                OptionalInt.of(value), log, openStdin, terminal);
    }
}
