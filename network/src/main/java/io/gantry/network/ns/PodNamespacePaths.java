package io.gantry.network.ns;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The bind-mounted namespace files of one pod; a container runtime passes these as the namespaces to join. */
public record PodNamespacePaths(Path net, Path ipc, Path uts) {

    public PodNamespacePaths {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(ipc, "ipc");
        Objects.requireNonNull(uts, "uts");
    }

    static PodNamespacePaths in(Path podDir) {
        return new PodNamespacePaths(podDir.resolve("net"), podDir.resolve("ipc"), podDir.resolve("uts"));
    }

    public List<Path> all() {
        return List.of(net, ipc, uts);
    }
}
