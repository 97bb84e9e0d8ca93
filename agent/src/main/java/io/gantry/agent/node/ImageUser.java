package io.gantry.agent.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The user an image's config names ("", "1000", "1000:1000", "nginx", "nginx:web"), resolved to numbers through
 * the image's own /etc/passwd and /etc/group, as containerd does.
 */
record ImageUser(long uid, long gid) {
    static ImageUser resolve(String user, List<Path> lowerDirs) {
        if (user == null || user.isEmpty()) {
            return new ImageUser(0, 0);
        }
        String[] parts = user.split(":", 2);
        long uid;
        Long gid = null;
        if (parts[0].matches("\\d+")) {
            uid = Long.parseLong(parts[0]);
            gid = lookup(lowerDirs, "etc/passwd", 2, 3, parts[0]).map(Long::parseLong).orElse(null);
        } else {
            String[] entry = find(lowerDirs, "etc/passwd", parts[0]).orElseThrow(() ->
                    new EnvResolver.ConfigException("unable to find user " + parts[0] + ": no matching entries in "
                            + "passwd file"));
            uid = Long.parseLong(entry[2]);
            gid = Long.parseLong(entry[3]);
        }
        if (parts.length == 2) {
            if (parts[1].matches("\\d+")) {
                gid = Long.parseLong(parts[1]);
            } else {
                String[] group = find(lowerDirs, "etc/group", parts[1]).orElseThrow(() ->
                        new EnvResolver.ConfigException("unable to find group " + parts[1] + ": no matching entries "
                                + "in group file"));
                gid = Long.parseLong(group[2]);
            }
        }
        return new ImageUser(uid, gid == null ? 0 : gid);
    }

    /** The field {@code want} of the line whose field {@code key} equals {@code value}, in the topmost layer having the file. */
    private static Optional<String> lookup(List<Path> lowerDirs, String file, int key, int want, String value) {
        return line(lowerDirs, file, key, value).filter(f -> f.length > want).map(f -> f[want]);
    }

    private static Optional<String[]> find(List<Path> lowerDirs, String file, String name) {
        return line(lowerDirs, file, 0, name).filter(f -> f.length > 3);
    }

    /** The fields of the first line whose field {@code key} is {@code value}, in the topmost layer with the file. */
    private static Optional<String[]> line(List<Path> lowerDirs, String file, int key, String value) {
        for (Path dir : lowerDirs) {
            Path f = dir.resolve(file);
            if (Files.isRegularFile(f)) {
                try {
                    for (String line : Files.readAllLines(f)) {
                        String[] fields = line.split(":");
                        if (fields.length > key && fields[key].equals(value)) {
                            return Optional.of(fields);
                        }
                    }
                } catch (IOException e) {
                    return Optional.empty();
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
