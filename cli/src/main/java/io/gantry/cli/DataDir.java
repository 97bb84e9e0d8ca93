package io.gantry.cli;

import java.nio.file.Path;

/** The default data directory: /var/lib/gantry for root, ~/.gantry for anyone else. */
final class DataDir {
    private DataDir() {
    }

    static Path defaultPath() {
        String user = System.getProperty("user.name", "");
        return user.equals("root") ? Path.of("/var/lib/gantry") : Path.of(System.getProperty("user.home"), ".gantry");
    }
}
