package io.gantry.runtime.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Facts about processes from /proc. */
public final class ProcFiles {

    private ProcFiles() {}

    /** The parent pid of {@code pid}, empty when no such process exists. */
    public static OptionalInt parentPid(int pid) {
        String[] fields = statFields(pid);
        return fields == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(fields[1]));
    }

    /**
     * When {@code pid} started, in clock ticks since boot (zombies too); with the pid it identifies a process even
     * across pid reuse. Empty when no such process exists.
     */
    public static OptionalLong startTime(int pid) {
        String[] fields = statFields(pid);
        return fields == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(fields[19]));
    }

    /** The fields of /proc/PID/stat from the state on (field 3 of proc(5) is index 0), null if there is no process. */
    private static String[] statFields(int pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so parse after the last ')'.
        int end = stat.lastIndexOf(')');
        return stat.substring(end + 2).trim().split(" ");
    }

    /** Whether {@code pid} is a child of this JVM, i.e. a process only this JVM may reap. */
    public static boolean isChildOfThisProcess(int pid) {
        OptionalInt parent = parentPid(pid);
        return parent.isPresent() && parent.getAsInt() == ProcessHandle.current().pid();
    }
}
