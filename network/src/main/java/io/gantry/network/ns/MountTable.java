package io.gantry.network.ns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mounts of this process's mount namespace, read from {@code /proc/self/mountinfo} (proc(5)). Read fresh on
 * every question because other tools mount and unmount concurrently.
 */
final class MountTable {

    /** One mountinfo line: where it is mounted, its filesystem type and whether it propagates as shared. */
    record Mount(Path mountPoint, String fsType, boolean shared) { }

    private final Path mountInfo;

    MountTable(Path mountInfo) {
        this.mountInfo = mountInfo;
    }

    static MountTable ofThisProcess() {
        return new MountTable(Path.of("/proc/self/mountinfo"));
    }

    List<Mount> mounts() throws IOException {
        List<Mount> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(mountInfo)) {
            Mount mount = parse(line);
            if (mount != null) {
                mounts.add(mount);
            }
        }
        return mounts;
    }

    boolean isMountPoint(Path path) throws IOException {
        Path normalized = path.toAbsolutePath().normalize();
        for (Mount mount : mounts()) {
            if (mount.mountPoint().equals(normalized)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw": field 5 is the mount point,
     * optional fields run up to the lone "-", which is followed by the filesystem type.
     */
    static Mount parse(String line) {
        String[] fields = line.split(" ");
        if (fields.length < 7) {
            return null;
        }
        boolean shared = false;
        int separator = -1;
        for (int i = 6; i < fields.length; i++) {
            if (fields[i].equals("-")) {
                separator = i;
                break;
            }
            if (fields[i].startsWith("shared:")) {
                shared = true;
            }
        }
        if (separator < 0 || separator + 1 >= fields.length) {
            return null;
        }
        return new Mount(Path.of(unescape(fields[4])), fields[separator + 1], shared);
    }

    /** The kernel escapes space, tab, newline and backslash in paths as a backslash and three octal digits. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
