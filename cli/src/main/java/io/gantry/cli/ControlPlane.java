package io.gantry.cli;

import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.PatchKind;
import io.gantry.network.ClusterNetwork;
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
    private static final ResourceType CONFIG_MAPS = ResourceRegistry.builtIn().byKind("v1", "ConfigMap").orElseThrow();
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

    static ControlPlane start(ServerConfig config, ControllerManagerConfig controllerConfig, ClusterNetwork network) {
        ApiServer server = ApiServer.start(config);
        try {
            ControlPlane plane = new ControlPlane(server, controllerConfig);
            publish(plane.controllersClient, network);
            plane.scheduler.start();
            plane.controllers.start();
            return plane;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Writes the cluster's pod network into its ConfigMap for the nodes, which read it when they start: after a
     * change of the server's options, agents take the new one on their next start.
     */
    private static void publish(ApiClient client, ClusterNetwork network) {
        ObjectNode configMap = Json.object();
        configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
        configMap.putObject("metadata").put("name", ClusterNetwork.CONFIG_MAP).put("namespace", ClusterNetwork.NAMESPACE);
        configMap.putObject("data").put(ClusterNetwork.KEY, network.toJson());
        try {
            client.create(CONFIG_MAPS, ClusterNetwork.NAMESPACE, configMap);
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
            client.patch(CONFIG_MAPS, ClusterNetwork.NAMESPACE, ClusterNetwork.CONFIG_MAP, "", PatchKind.MERGE,
                    (ObjectNode) Json.object().set("data", configMap.path("data")));
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
