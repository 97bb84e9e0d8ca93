package io.gantry.cli;

import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.client.ApiClient;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerManagerConfig;
import io.gantry.scheduler.Scheduler;
import io.gantry.scheduler.SchedulerConfig;

import java.time.Clock;

/**
 * The whole control plane in one process: the API server, and the scheduler and controller manager. These two
 * use the API through the same {@link ApiClient} interface as any remote component (so they could as well run
 * elsewhere over HTTPS), but in-process: without TLS, HTTP and JSON between them and the server.
 */
final class ControlPlane implements AutoCloseable {
    private final ApiServer server;
    private final ApiClient schedulerClient;
    private final ApiClient controllersClient;
    private final Scheduler scheduler;
    private final ControllerManager controllers;

    private ControlPlane(ApiServer server, ControllerManagerConfig controllerConfig) {
        this.server = server;
        this.schedulerClient = LocalApiClient.of(server, "gantry-scheduler");
        this.controllersClient = LocalApiClient.of(server, "gantry-controller-manager");
        this.scheduler = new Scheduler(schedulerClient, SchedulerConfig.defaults(), Clock.systemUTC());
        this.controllers = new ControllerManager(controllersClient, controllerConfig, Clock.systemUTC());
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
