package io.gantry.cli;

import io.gantry.apiserver.ApiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** Runs the control plane: API server with its store and the API machinery's controllers. */
@Command(name = "server", description = "Run the control plane: API server (embedded store or etcd), scheduler and controllers.")
final class ServerCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions options = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        ControlPlane plane = ControlPlane.start(options.toConfig(), options.controllerManagerConfig(),
                options.clusterNetwork());
        ApiServer server = plane.server();
        Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "shutdown"));
        System.err.println("gantry: control plane ready on https://" + displayHost(options.bindAddress) + ":"
                + server.port() + " (kubeconfig: gantry kubeconfig --data-dir " + options.dataDir + ")");
        server.join();
        return 0;
    }

    static String displayHost(String bindAddress) {
        return bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
    }
}
