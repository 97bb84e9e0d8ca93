package io.gantry.agent.node;

import io.gantry.agent.node.eviction.EvictionSignal;
import io.gantry.agent.node.eviction.ImageFs;
import io.gantry.agent.node.eviction.Observation;
import io.gantry.agent.node.eviction.SignalObserver;
import io.gantry.runtime.linux.FileSystemStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The eviction signals of this host. {@code memory.available} is MemAvailable of /proc/meminfo (of MemTotal):
 * the kernel's own estimate of what can be had without swapping, which like the kubelet's capacity less working
 * set counts reclaimable page cache as available, without reading the root memory cgroup. The file system
 * signals come from statvfs: space by {@link FileStore} (what unprivileged users may still write), inodes by
 * {@link FileSystemStats}. {@code pid.available} is the smaller of pid_max and threads-max less the tasks that
 * exist (the total of /proc/loadavg).
 */
final class HostSignals implements SignalObserver {
    private static final Logger LOG = LoggerFactory.getLogger(HostSignals.class);

    private final Path proc;
    private final Path nodeFs;
    private final Path imageFs;
    private boolean warnedInodes;

    /**
     * @param proc    procfs, normally /proc
     * @param nodeFs  a path on the node's file system (the agent's data directory)
     * @param imageFs a path on the image file system (the image store)
     */
    HostSignals(Path proc, Path nodeFs, Path imageFs) {
        this.proc = proc;
        this.nodeFs = nodeFs;
        this.imageFs = imageFs;
    }

    @Override
    public Map<EvictionSignal, Observation> observe() {
        Map<EvictionSignal, Observation> out = new EnumMap<>(EvictionSignal.class);
        try {
            out.put(EvictionSignal.MEMORY_AVAILABLE, memory(Files.readAllLines(proc.resolve("meminfo"))));
        } catch (IOException | RuntimeException e) {
            LOG.debug("memory.available not measured: {}", e.toString());
        }
        fileSystem(nodeFs, EvictionSignal.NODEFS_AVAILABLE, EvictionSignal.NODEFS_INODES_FREE, out);
        fileSystem(imageFs, EvictionSignal.IMAGEFS_AVAILABLE, EvictionSignal.IMAGEFS_INODES_FREE, out);
        try {
            long max = Math.min(number(proc.resolve("sys/kernel/pid_max")), number(proc.resolve("sys/kernel/threads-max")));
            long tasks = tasks(Files.readString(proc.resolve("loadavg")));
            out.put(EvictionSignal.PID_AVAILABLE, new Observation(Math.max(0, max - tasks), max));
        } catch (IOException | RuntimeException e) {
            LOG.debug("pid.available not measured: {}", e.toString());
        }
        return out;
    }

    /** MemAvailable of MemTotal, from the lines of /proc/meminfo (in KiB). */
    static Observation memory(List<String> meminfo) {
        long total = -1;
        long available = -1;
        for (String line : meminfo) {
            if (line.startsWith("MemTotal:")) {
                total = HostFacts.parseMeminfoKib(line) * 1024;
            } else if (line.startsWith("MemAvailable:")) {
                available = HostFacts.parseMeminfoKib(line) * 1024;
            }
        }
        if (total < 0 || available < 0) {
            throw new IllegalStateException("meminfo has no MemTotal or MemAvailable");
        }
        return new Observation(available, total);
    }

    /** The tasks that exist: the denominator of the fourth field of /proc/loadavg ("2/286"). */
    static long tasks(String loadavg) {
        String[] fields = loadavg.trim().split("\\s+");
        return Long.parseLong(fields[3].substring(fields[3].indexOf('/') + 1));
    }

    private void fileSystem(Path path, EvictionSignal space, EvictionSignal inodes, Map<EvictionSignal, Observation> out) {
        Path existing = existing(path);
        try {
            FileStore store = Files.getFileStore(existing);
            out.put(space, new Observation(store.getUsableSpace(), store.getTotalSpace()));
        } catch (IOException e) {
            LOG.debug("{} not measured: {}", space.text(), e.toString());
            return;
        }
        try {
            FileSystemStats stats = FileSystemStats.of(existing);
            if (stats.inodes() > 0) { // file systems that make inodes on demand (btrfs) have no inode signal
                out.put(inodes, new Observation(stats.inodesFree(), stats.inodes()));
            }
        } catch (IOException | LinkageError e) {
            if (!warnedInodes) {
                LOG.warn("inodes of {} not measured: {}", existing, e.toString());
                warnedInodes = true;
            }
        }
    }

    /**
     * Whether the image directory is on the data directory's file system (the same device), as the kubelet tells a
     * dedicated imagefs from the root one; asked on every pass, so a file system mounted later counts.
     */
    @Override
    public ImageFs imageFs() {
        try {
            Object nodeDevice = Files.getAttribute(existing(nodeFs), "unix:dev");
            Object imageDevice = Files.getAttribute(existing(imageFs), "unix:dev");
            return nodeDevice.equals(imageDevice) ? ImageFs.SHARED : ImageFs.DEDICATED;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("image file system not told apart: {}", e.toString());
            return ImageFs.SHARED;
        }
    }

    /** The path, or its nearest ancestor that exists (the data directory's parts appear as the node works). */
    private static Path existing(Path path) {
        Path p = path.toAbsolutePath();
        while (p.getParent() != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    private static long number(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }
}
