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

    /**
     * The cgroup's memory working set, as cAdvisor and the kubelet count it: usage less the inactive file cache
     * (which the kernel reclaims before it runs out). v1: {@code memory.usage_in_bytes} less
     * {@code total_inactive_file} of {@code memory.stat}; v2: {@code memory.current} less {@code inactive_file}.
     * Empty when the cgroup does not exist.
     */
    public java.util.OptionalLong memoryWorkingSet(String cgroupsPath) {
        String relative = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        boolean v1 = memoryIsV1();
        Path dir = v1 ? root.resolve("memory").resolve(relative) : root.resolve(relative);
        try {
            long usage = Long.parseLong(Files.readString(dir.resolve(v1 ? "memory.usage_in_bytes" : "memory.current"),
                    StandardCharsets.UTF_8).trim());
            long inactiveFile = 0;
            String field = v1 ? "total_inactive_file" : "inactive_file";
            for (String line : Files.readAllLines(dir.resolve("memory.stat"), StandardCharsets.UTF_8)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(field)) {
                    inactiveFile = Long.parseLong(kv[1]);
                }
            }
            return java.util.OptionalLong.of(Math.max(0, usage - inactiveFile));
        } catch (IOException | NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /**
     * How many tasks (processes and threads) the cgroup holds, by the pids controller ({@code pids.current});
     * empty when the cgroup does not exist.
     */
    public java.util.OptionalLong pidsCurrent(String cgroupsPath) {
        String relative = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        Path v1 = root.resolve("pids").resolve(relative).resolve("pids.current");
        Path file = Files.exists(v1) ? v1 : root.resolve(relative).resolve("pids.current");
        try {
            return java.util.OptionalLong.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()));
        } catch (IOException | NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }
}
