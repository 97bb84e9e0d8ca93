package io.gantry.cli;

import io.gantry.apiserver.security.ClusterCredentials;
import io.gantry.apiserver.security.Kubeconfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Prints (or writes) a kubeconfig with the cluster CA and the admin token, so plain kubectl works. */
@Command(name = "kubeconfig", description = "Print a kubeconfig for this cluster, or write it with -o FILE.")
final class KubeconfigCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "The cluster's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDir.defaultPath();

    @Option(names = "--server", description = "API server URL (default: ${DEFAULT-VALUE}).")
    String server = "https://127.0.0.1:6443";

    @Option(names = {"-o", "--output"}, description = "Write to this file (mode 0600) instead of printing.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dataDir.resolve("pki"))) {
            throw new IllegalArgumentException("no cluster in " + dataDir + " (start one with: gantry up)");
        }
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(dataDir, List.of());
        String kubeconfig = Kubeconfig.render(server, credentials.caPem(), credentials.adminToken(), "gantry", "admin");
        if (output == null) {
            System.out.print(kubeconfig);
        } else {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Kubeconfig.write(output, kubeconfig);
            System.err.println("gantry: wrote " + output);
        }
        return 0;
    }
}
