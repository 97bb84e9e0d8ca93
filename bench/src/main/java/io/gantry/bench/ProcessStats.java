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
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
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
