package io.gantry.cli;

import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.client.ApiClient;
import io.gantry.client.HttpApiClient;
import io.gantry.client.Tls;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerManagerConfig;
import io.gantry.scheduler.Scheduler;
import io.gantry.scheduler.SchedulerConfig;

import java.time.Clock;

/**
 * The whole control plane in one process: the API server, and the scheduler and controller manager talking
 * to it over HTTPS on loopback like any other client, so they could as well run elsewhere.
 */
final class ControlPlane implements AutoCloseable {
    private final ApiServer server;
    private final ApiClient schedulerClient;
    private final ApiClient controllersClient;
    private final Scheduler scheduler;
    private final ControllerManager controllers;

    private ControlPlane(ApiServer server, ControllerManagerConfig controllerConfig) {
        this.server = server;
        String url = "https://" + loopbackOr(server) + ":" + server.port();
        var tls = Tls.trusting(server.credentials().caPem());
        this.schedulerClient = new HttpApiClient(url, tls, server.credentials().adminToken(), "gantry-scheduler");
        this.controllersClient = new HttpApiClient(url, tls, server.credentials().adminToken(),
                "gantry-controller-manager");
        this.scheduler = new Scheduler(schedulerClient, SchedulerConfig.defaults(), Clock.systemUTC());
        this.controllers = new ControllerManager(controllersClient, controllerConfig, Clock.systemUTC());
    }

    /** The address the components reach the API server at: loopback unless it listens on one address only. */
    private static String loopbackOr(ApiServer server) {
        String bind = server.config().bindAddress();
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    static ControlPlane start(ServerConfig config, ControllerManagerConfig controllerConfig) {
        ApiServer server = ApiServer.start(config);
        try {
            ControlPlane plane = new ControlPlane(server, controllerConfig);
            plane.scheduler.start();
            plane.controllers.start();
            return plane;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    ApiServer server() {
        return server;
    }

    @Override
    public void close() {
        controllers.close();
        scheduler.close();
        controllersClient.close();
        schedulerClient.close();
        server.close();
    }
}
