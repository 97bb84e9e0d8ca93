package io.gantry.runtime.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the runtime needs from a container's cgroup, on cgroup v1 (also the "hybrid" layout with v1
 * controllers and an empty v2 mount) and on unified cgroup v2.
 *
 * @param root where cgroup hierarchies are mounted, normally {@code /sys/fs/cgroup}
 */
public record CgroupFiles(Path root) {

    /** The standard location. */
    public static CgroupFiles standard() {
        return new CgroupFiles(Path.of("/sys/fs/cgroup"));
    }

    /** Whether the memory controller is a cgroup v1 hierarchy here. */
    public boolean memoryIsV1() {
        return Files.exists(root.resolve("memory").resolve("memory.oom_control"));
    }

    /**
     * Whether memory+swap can be limited: v1 needs swap accounting ({@code memory.memsw.*}, absent when the kernel
     * was booted with swapaccount=0); on v2 swap has its own limit, which runc derives from the same setting.
     */
    public boolean swapLimitSupported() {
        if (memoryIsV1()) {
            return Files.exists(root.resolve("memory").resolve("memory.memsw.limit_in_bytes"));
        }
        return Files.exists(root.resolve("cgroup.controllers"));
    }

    /**
     * How many processes the kernel's OOM killer has killed in the cgroup (v1: the {@code oom_kill} field of
     * {@code memory.oom_control}; v2: {@code oom_kill} in {@code memory.events}); 0 when the cgroup or counter is
     * missing. Read it before the cgroup is removed.
     */
    public long oomKillCount(String cgroupsPath) {
        String relative = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        Path file = memoryIsV1()
                ? root.resolve("memory").resolve(relative).resolve("memory.oom_control")
                : root.resolve(relative).resolve("memory.events");
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length == 2 && fields[0].equals("oom_kill")) {
                    return Long.parseLong(fields[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** The pids of the processes in the cgroup (empty when it does not exist). */
    public List<Integer> processes(String cgroupsPath) {
        String relative = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        Path file = memoryIsV1()
                ? root.resolve("memory").resolve(relative).resolve("cgroup.procs")
                : root.resolve(relative).resolve("cgroup.procs");
        List<Integer> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
        return pids;
    }
}
