package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.agent.AgentConfig;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.join.JoinTokens;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.rest.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;

/** A single-node cluster in one process: the control plane on the embedded store and a node that runs pods. */
@Command(name = "up", description = "Start a single-node cluster in this process.")
final class UpCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions options = new ClusterOptions();

    @Option(names = "--sample", description = "Also deploy the sample web app (namespace 'demo').")
    boolean sample;

    @Mixin
    NodeRunner.Options nodeOptions = new NodeRunner.Options();

    @Option(names = "--node-name", description = "Name of this host's node (default: the host name, ${DEFAULT-VALUE}).")
    String nodeName = AgentConfig.defaultNodeName();

    @Override
    public Integer call() throws Exception {
        nodeOptions.check(); // the node's options too are wrong before the control plane starts, not after
        ControlPlane plane = ControlPlane.start(options.toConfig(), options.controllerManagerConfig(),
                options.clusterNetwork());
        ApiServer server = plane.server();
        String url = "https://" + loopbackOr(options.bindAddress) + ":" + server.port();
        NodeRunner node;
        try {
            if (sample) {
                SampleImage.importInto(options.dataDir.resolve("node").resolve("images"));
            }
            node = NodeRunner.start(new AgentConfig(url, JoinTokens.withCaHash(server.credentials()), nodeName,
                    options.dataDir.resolve("node"), null), nodeOptions, 40);
        } catch (RuntimeException | InterruptedException | IOException e) {
            plane.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            plane.close();
        }, "shutdown"));
        if (sample) {
            deploySample(server.service());
            System.err.println("gantry: sample app deployed: kubectl get all -n demo");
        }
        System.err.println("gantry: cluster up on https://" + ServerCommand.displayHost(options.bindAddress) + ":"
                + server.port() + "; use it with: gantry kubeconfig -o ~/.kube/config && kubectl get all -A");
        server.join();
        return 0;
    }

    /** The address a process on this host reaches the API server at. */
    private static String loopbackOr(String bindAddress) {
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") || bindAddress.isEmpty() ? "127.0.0.1"
                : bindAddress;
    }

    /** Applies the bundled sample manifest, leaving objects that already exist alone. */
    static void deploySample(ObjectService service) throws IOException {
        try (InputStream in = UpCommand.class.getResourceAsStream("sample-app.yaml")) {
            if (in == null) {
                throw new IOException("sample manifest missing from the distribution");
            }
            var parser = Json.YAML.getFactory().createParser(in);
            var documents = Json.YAML.readValues(parser, JsonNode.class);
            while (documents.hasNext()) {
                ObjectNode object = (ObjectNode) documents.next();
                ResourceType type = service.registry().byKind(object.path("apiVersion").asText(),
                        object.path("kind").asText()).orElseThrow();
                String namespace = type.namespaced() ? object.path("metadata").path("namespace").asText("default") : "";
                if (service.find(type, namespace, object.path("metadata").path("name").asText()).isPresent()) {
                    continue;
                }
                try {
                    service.create(type, namespace, object, WriteOptions.defaults());
                } catch (ApiException e) {
                    if (e.code() != 409) {
                        throw e;
                    }
                }
            }
        }
    }
}
