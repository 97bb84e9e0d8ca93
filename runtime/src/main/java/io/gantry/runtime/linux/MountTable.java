package io.gantry.runtime.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** This process' mounts, from /proc/self/mountinfo. */
public final class MountTable {

    private MountTable() {}

    /** Mount points at or below {@code directory}, deepest first (the order to unmount them in). */
    public static List<Path> mountPointsUnder(Path directory) {
        Path root = directory.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        for (Path mountPoint : all()) {
            if (mountPoint.startsWith(root)) {
                found.add(mountPoint);
            }
        }
        found.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
        return found;
    }

    /** Whether something is mounted exactly at {@code path}. */
    public static boolean isMountPoint(Path path) {
        return all().contains(path.toAbsolutePath().normalize());
    }

    private static List<Path> all() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
        List<Path> mountPoints = new ArrayList<>(lines.size());
        for (String line : lines) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                mountPoints.add(Path.of(unescape(fields[4])));
            }
        }
        return mountPoints;
    }

    /** mountinfo writes space, tab, newline and backslash in paths as octal escapes (\040). */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1) && isOctal(field, i + 2) && isOctal(field, i + 3)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String text, int index) {
        return index < text.length() && text.charAt(index) >= '0' && text.charAt(index) <= '7';
    }
}
