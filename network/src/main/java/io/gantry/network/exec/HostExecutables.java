package io.gantry.network.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds host tools by name. The agent may be started by an init system with a minimal PATH that lacks the sbin
 * directories where iproute2 lives, so the usual system directories are searched after PATH.
 */
public final class HostExecutables {

    private static final List<Path> SYSTEM_DIRS = List.of(
            Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin"), Path.of("/usr/bin"),
            Path.of("/sbin"), Path.of("/bin"));

    private final List<Path> searchDirs;

    public HostExecutables(List<Path> searchDirs) {
        this.searchDirs = List.copyOf(searchDirs);
    }

    /** PATH of this process, then the standard system directories. */
    public static HostExecutables fromEnvironment() {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isBlank()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.addAll(SYSTEM_DIRS);
        return new HostExecutables(new ArrayList<>(dirs));
    }

    /**
     * @param name    the executable's file name, e.g. {@code unshare}
     * @param providedBy the distribution package that ships it, named in the error so an operator knows what to install
     */
    public Path require(String name, String providedBy) throws IOException {
        for (Path dir : searchDirs) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IOException("required tool '" + name + "' (from " + providedBy + ") was not found in " + searchDirs
                + "; install it on this node");
    }
}
