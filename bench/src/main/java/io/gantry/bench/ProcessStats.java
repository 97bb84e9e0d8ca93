package io.gantry.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of this JVM and of the server process, from /proc. */
final class ProcessStats {
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcessStats() {
    }

    /** CPU seconds (user + system) used so far by a process, or NaN when unknown. */
    static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * A process's CPU seconds so far, with the shares of the JIT compiler's and the garbage collector's threads.
     *
     * @param scheduler the scheduler's decision thread (named "scheduler"), part of the rest
     */
    record ThreadCpu(double total, double jit, double gc, double scheduler) {
        static final ThreadCpu UNKNOWN = new ThreadCpu(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        ThreadCpu since(ThreadCpu start) {
            return new ThreadCpu(total - start.total, jit - start.jit, gc - start.gc, scheduler - start.scheduler);
        }
    }

    /**
     * {@link #cpuSeconds} split by the JVM's thread names ("C2 CompilerThre", "GC Thread#0", "G1 Conc#0", ...):
     * what is left once compilation settles and collection is paid for is the cost of the work itself. Threads
     * that ended in between are missed; the JVM's own threads live as long as it does.
     */
    static ThreadCpu threadCpu(long pid) {
        if (pid <= 0) {
            return ThreadCpu.UNKNOWN;
        }
        double jit = 0;
        double gc = 0;
        double scheduler = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    double seconds = ticks(Files.readString(task.resolve("stat")));
                    if (name.contains("CompilerThre")) {
                        jit += seconds;
                    } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        gc += seconds;
                    } else if (name.equals("scheduler")) {
                        scheduler += seconds;
                    }
                } catch (IOException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException | RuntimeException e) {
            return ThreadCpu.UNKNOWN;
        }
        return new ThreadCpu(cpuSeconds(pid), jit, gc, scheduler);
    }

    private static double ticks(String stat) {
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** CPU seconds (all cores, non-idle) used by the whole machine so far, to tell what other processes took. */
    static double machineCpuSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            // user nice system idle iowait irq softirq steal: everything but idle and iowait is work.
            for (int i = 1; i <= 8 && i < f.length; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double ownCpuSeconds() {
        return cpuSeconds(ProcessHandle.current().pid());
    }

    /** Resident set size in MiB (VmRSS), or NaN when unknown. */
    static double rssMiB(long pid) {
        return statusMiB(pid, "VmRSS:");
    }

    /** The peak resident set size in MiB (VmHWM) since the process started, or NaN when unknown. */
    static double peakRssMiB(long pid) {
        return statusMiB(pid, "VmHWM:");
    }

    private static double statusMiB(long pid, String field) {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Double.NaN;
    }

    /** The 1-minute load average, as a hint that something else was running. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static int processors() {
        return ManagementFactory.getOperatingSystemMXBean().getAvailableProcessors();
    }

    /** Size in MiB of every file under a directory. */
    static double directoryMiB(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum() / (1024.0 * 1024.0);
        }
    }
}
