package io.gantry.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Prints the version of this binary and the Kubernetes API version it serves. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Callable<Integer> {
    static final String VERSION = "0.1.0";
    static final String KUBERNETES_API = "v1.32";

    @Override
    public Integer call() {
        System.out.println("gantry " + VERSION + " (Kubernetes API " + KUBERNETES_API + ")");
        return 0;
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gantry " + VERSION + " (Kubernetes API " + KUBERNETES_API + ")"};
        }
    }
}
