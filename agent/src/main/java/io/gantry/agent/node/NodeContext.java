package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.EventRecorder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What every pod worker of one node shares: the API, the engine, directories and node facts. */
final class NodeContext {
    static final ResourceType CONFIG_MAPS = NodeHeartbeat.REGISTRY.byKind("v1", "ConfigMap").orElseThrow();
    static final ResourceType SECRETS = NodeHeartbeat.REGISTRY.byKind("v1", "Secret").orElseThrow();

    private final ApiClient client;
    static final ResourceType RUNTIME_CLASSES = NodeHeartbeat.REGISTRY.byKind("node.k8s.io/v1", "RuntimeClass")
            .orElseThrow();

    private final Map<String, ContainerEngine> engines;
    private final String defaultHandler;
    private final EventRecorder events;
    private final Clock clock;
    private final NodeAgentConfig config;
    private final HostFacts host;
    private final HostMounts mounts = new HostMounts();
    private final PodStatusBuilder statusBuilder;
    /** Which pod each container id belongs to, so an exit can wake the right worker. */
    private final Map<String, String> podOfContainer = new ConcurrentHashMap<>();
    private volatile java.util.function.Predicate<String> poke;
    private final PodEvictions evictions;
    private final java.util.function.Supplier<java.util.Set<io.gantry.agent.NodeConditions.Pressure>> pressures;

    /** @param engines by RuntimeClass handler; the one of {@code config.defaultHandler()} serves pods naming none */
    NodeContext(ApiClient client, List<ContainerEngine> engines, EventRecorder events, Clock clock,
                NodeAgentConfig config, HostFacts host,
                java.util.function.Supplier<java.util.Set<io.gantry.agent.NodeConditions.Pressure>> pressures) {
        this.pressures = pressures;
        this.client = client;
        this.engines = new java.util.LinkedHashMap<>();
        engines.forEach(e -> this.engines.put(e.handler(), e));
        this.defaultHandler = config.defaultHandler();
        this.events = events;
        this.clock = clock;
        this.config = config;
        this.host = host;
        this.statusBuilder = new PodStatusBuilder();
        this.evictions = new PodEvictions(this::podChanged);
    }

    /** The node's pressure conditions that are True now: what pods it refuses to start. */
    java.util.Set<io.gantry.agent.NodeConditions.Pressure> pressures() {
        return pressures.get();
    }

    /** The evictions the node's eviction manager asked of pod workers. */
    PodEvictions evictions() {
        return evictions;
    }

    ApiClient client() {
        return client;
    }

    /** The engine for pods that name no RuntimeClass; IllegalArgumentException when this node lacks it. */
    ContainerEngine defaultEngine() {
        return engine(defaultHandler);
    }

    /** The engine serving a RuntimeClass handler; IllegalArgumentException when this node has none. */
    ContainerEngine engine(String handler) {
        ContainerEngine e = engines.get(handler);
        if (e == null) {
            throw new IllegalArgumentException("no runtime for \"" + handler + "\" is configured");
        }
        return e;
    }

    /** The engine of the pod's RuntimeClass (by its handler), or the default one. */
    ContainerEngine engineFor(ObjectNode pod) {
        String className = pod.path("spec").path("runtimeClassName").asText("");
        if (className.isEmpty()) {
            return defaultEngine();
        }
        ObjectNode runtimeClass = client.find(RUNTIME_CLASSES, "", className).orElseThrow(() ->
                new IllegalArgumentException("RuntimeClass \"" + className + "\" not found"));
        return engine(runtimeClass.path("handler").asText());
    }

    EventRecorder events() {
        return events;
    }

    Clock clock() {
        return clock;
    }

    HostMounts mounts() {
        return mounts;
    }

    PodStatusBuilder statusBuilder() {
        return statusBuilder;
    }

    Path podsDir() {
        return config.dataDir().resolve("pods");
    }

    Path logsDir() {
        return config.dataDir().resolve("logs");
    }

    String hostIp() {
        return host.internalIp();
    }

    Map<String, String> allocatable() {
        return Map.of("cpu", Integer.toString(host.cpus()), "memory", Long.toString(host.memoryBytes()),
                "ephemeral-storage", Long.toString(host.storageBytes()));
    }

    void remember(String containerId, String podUid) {
        podOfContainer.put(containerId, podUid);
    }

    void forget(String containerId) {
        podOfContainer.remove(containerId);
    }

    /** Who wakes a pod's worker (the node's PodWorkers, once they exist). */
    void onPodChanged(java.util.function.Predicate<String> poke) {
        this.poke = poke;
    }

    /** Wakes the worker of pod {@code uid} for a sync soon (a probe result changed, say); false when it has none. */
    boolean podChanged(String uid) {
        java.util.function.Predicate<String> p = poke;
        return p != null && p.test(uid);
    }

    Optional<String> podOf(String containerId) {
        return Optional.ofNullable(podOfContainer.get(containerId));
    }

    Map<String, String> containersByPod() {
        return Map.copyOf(podOfContainer);
    }

    /** ConfigMaps and Secrets of the pod's namespace, read when needed (volumes are refreshed on every sync). */
    EnvResolver.Sources sources(ObjectNode pod) {
        String namespace = pod.path("metadata").path("namespace").asText();
        return new EnvResolver.Sources() {
            @Override
            public Optional<ObjectNode> configMap(String name) {
                return find(CONFIG_MAPS, namespace, name);
            }

            @Override
            public Optional<ObjectNode> secret(String name) {
                return find(SECRETS, namespace, name);
            }
        };
    }

    private Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
        try {
            return client.find(type, namespace, name);
        } catch (ApiException e) {
            if (e.code() == 403) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The dockerconfigjson contents of the pod's imagePullSecrets that exist. */
    List<ContainerEngine.RegistryAuth> pullSecrets(ObjectNode pod) {
        List<ContainerEngine.RegistryAuth> out = new ArrayList<>();
        String namespace = pod.path("metadata").path("namespace").asText();
        for (JsonNode ref : pod.path("spec").path("imagePullSecrets")) {
            Optional<ObjectNode> secret = find(SECRETS, namespace, ref.path("name").asText());
            secret.map(s -> s.path("data").path(".dockerconfigjson").asText(""))
                    .filter(s -> !s.isEmpty())
                    .ifPresent(b64 -> out.add(new ContainerEngine.RegistryAuth(
                            new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8))));
        }
        return out;
    }
}
