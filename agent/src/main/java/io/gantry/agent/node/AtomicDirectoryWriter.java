package io.gantry.agent.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the files of a ConfigMap, Secret or downward API volume so that a running container sees either the old
 * set or the new one, never a mix: the kubelet's atomic writer. The files live in a timestamped directory, a
 * {@code ..data} symlink names the current one and is swapped by a rename, and each visible name is a symlink
 * through {@code ..data}. An unchanged payload writes nothing.
 */
final class AtomicDirectoryWriter {
    static final String DATA = "..data";

    private AtomicDirectoryWriter() {
    }

    /** A file to project: its content and permission bits (e.g. 0644). */
    record Payload(byte[] content, int mode) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Payload p && p.mode == mode && Arrays.equals(p.content, content);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(content) * 31 + mode;
        }
    }

    /** Makes {@code dir} show exactly {@code files} (relative paths); returns whether anything changed. */
    static boolean write(Path dir, Map<String, Payload> files, Instant now) {
        try {
            Files.createDirectories(dir);
            Path data = dir.resolve(DATA);
            if (Files.isSymbolicLink(data) && same(dir.resolve(Files.readSymbolicLink(data)), files)) {
                return false;
            }
            for (String name : files.keySet()) {
                check(name);
            }
            Path fresh = Files.createTempDirectory(dir, ".." + now.toString().replace(':', '_') + ".");
            Files.setPosixFilePermissions(fresh, EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.OTHERS_EXECUTE));
            for (Map.Entry<String, Payload> f : files.entrySet()) {
                Path target = fresh.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, f.getValue().content());
                Files.setPosixFilePermissions(target, permissions(f.getValue().mode()));
            }
            Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
            Path tmpLink = dir.resolve("..data_tmp");
            Files.deleteIfExists(tmpLink);
            Files.createSymbolicLink(tmpLink, fresh.getFileName());
            Files.move(tmpLink, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Set<String> topNames = new HashSet<>();
            for (String name : files.keySet()) {
                topNames.add(name.split("/", 2)[0]);
            }
            for (String top : topNames) {
                Path link = dir.resolve(top);
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createSymbolicLink(link, Path.of(DATA, top));
                    } catch (FileAlreadyExistsException ignored) {
                        // made meanwhile: it points through ..data anyway
                    }
                }
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path p : entries.toList()) {
                    String name = p.getFileName().toString();
                    if (!name.startsWith("..") && !topNames.contains(name) && Files.isSymbolicLink(p)) {
                        Files.delete(p);
                    }
                }
            }
            if (old != null && !old.equals(fresh)) {
                deleteTree(old);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write volume files into " + dir, e);
        }
    }

    private static void check(String name) {
        Path p = Path.of(name).normalize();
        if (name.isEmpty() || p.isAbsolute() || p.startsWith("..") || name.startsWith("..")) {
            throw new IllegalArgumentException("volume path " + name + " must be relative and stay inside the volume");
        }
    }

    private static boolean same(Path current, Map<String, Payload> files) throws IOException {
        if (!Files.isDirectory(current)) {
            return false;
        }
        int count;
        try (Stream<Path> walk = Files.walk(current)) {
            count = (int) walk.filter(Files::isRegularFile).count();
        }
        if (count != files.size()) {
            return false;
        }
        for (Map.Entry<String, Payload> f : files.entrySet()) {
            Path p = current.resolve(f.getKey());
            if (!Files.isRegularFile(p) || !Arrays.equals(Files.readAllBytes(p), f.getValue().content())
                    || !Files.getPosixFilePermissions(p).equals(permissions(f.getValue().mode()))) {
                return false;
            }
        }
        return true;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
