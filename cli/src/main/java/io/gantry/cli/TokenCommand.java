package io.gantry.cli;

import io.gantry.apiserver.join.JoinTokens;
import io.gantry.apiserver.security.ClusterCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Prints the join token agents use to join the cluster. */
@Command(name = "token", description = "Print the token nodes use to join: gantry agent --server URL --token T.")
final class TokenCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "The cluster's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDir.defaultPath();

    @Override
    public Integer call() {
        if (!Files.isDirectory(dataDir.resolve("tokens"))) {
            throw new IllegalArgumentException("no cluster in " + dataDir + " (start one with: gantry up)");
        }
        // The token carries a hash of the cluster CA so a joining agent can check whom it talks to.
        System.out.println(JoinTokens.withCaHash(ClusterCredentials.loadOrCreate(dataDir, List.of())));
        return 0;
    }
}
