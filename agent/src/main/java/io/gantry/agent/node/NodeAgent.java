package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.node.eviction.EvictionManager;
import io.gantry.agent.node.eviction.PressureConditions;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.EventRecorder;
import io.gantry.client.Informer;
import io.gantry.client.ListQuery;
import io.gantry.network.ClusterNetwork;
import io.gantry.network.PodNetworkConfig;
import io.gantry.network.overlay.Overlay;
import io.gantry.network.policy.PolicyEnforcer;
import io.gantry.network.services.ServiceProxyBackend;
import io.gantry.network.services.ServiceRules;
import io.gantry.runtime.linux.CgroupFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real node: Gantry's kubelet. It registers the Node with the host's capacity, keeps its Lease fresh, waits for
 * the control plane to give it a podCIDR, then runs the pods bound to it through a {@link ContainerEngine}, one
 * {@link PodSync} per pod. On start it re-adopts what an earlier run left: pods still bound get their containers
 * back, anything of pods that are gone is released.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    static final ResourceType PODS = NodeHeartbeat.REGISTRY.byKind("v1", "Pod").orElseThrow();
    static final ResourceType CONFIG_MAPS = NodeHeartbeat.REGISTRY.byKind("v1", "ConfigMap").orElseThrow();

    private final ApiClient client;
    private final NodeAgentConfig config;
    private final List<ContainerEngine> engines;
    private final Clock clock;
    private NodeHeartbeat heartbeat;
    private EventRecorder events;
    private PodWorkers workers;
    private Informer pods;
    private ServiceProxy serviceProxy;
    private ClusterRoutes routes;
    private NetworkPolicies policies;
    private ClusterDns clusterDns;
    static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    private NodeServer server;
    private Thread imageGc;
    private EvictionManager evictionManager;
    private NodeContext context;
    private final String clusterCaPem;

    /**
     * @param engines      one per RuntimeClass handler (config names the one for pods that name no RuntimeClass)
     * @param clusterCaPem the cluster CA, which signs the API server's certificate for calling this agent (logs);
     *                     null serves nothing
     */
    public NodeAgent(ApiClient client, NodeAgentConfig config, List<ContainerEngine> engines, String clusterCaPem,
                     Clock clock) {
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("a node needs at least one container engine");
        }
        this.client = client;
        this.config = config;
        this.engines = List.copyOf(engines);
        this.clusterCaPem = clusterCaPem;
        this.clock = clock;
    }

    /** Registers, waits for the podCIDR (up to {@code cidrWait}), then runs the node's pods. */
    public NodeAgent start(Duration cidrWait) throws InterruptedException {
        HostFacts host = HostFacts.read(config.dataDir());
        if (config.nodeIp() != null) {
            host = host.withInternalIp(config.nodeIp());
        }
        pods = new Informer(client, PODS, "", ListQuery.fields("spec.nodeName=" + config.nodeName()))
                .withoutManagedFields();
        int serverPort = 0;
        String fingerprint = null;
        if (clusterCaPem != null) {
            ServingCertificate certificate = ServingCertificate.selfSigned(config.nodeName(),
                    List.of(host.internalIp(), "127.0.0.1"));
            java.util.Map<String, ContainerEngine> byHandler = new java.util.HashMap<>();
            engines.forEach(e -> byHandler.put(e.handler(), e));
            server = new NodeServer(new ContainerLocator(pods, config.dataDir().resolve("logs")), byHandler::get,
                    certificate, clusterCaPem, "0.0.0.0", config.agentPort()).start();
            serverPort = server.port();
            fingerprint = certificate.fingerprint();
        }
        PressureConditions pressure = new PressureConditions(config.eviction().pressureTransitionPeriod(),
                clock.instant());
        NodeObjects objects = new NodeObjects(config, host, engines.getFirst().version(), clock.instant(), serverPort,
                fingerprint, pressure);
        heartbeat = new NodeHeartbeat(client, config, objects, clock);
        heartbeat.register();
        heartbeat.start();
        if (engines.stream().anyMatch(ContainerEngine::needsPodCidr)) {
            String podCidr = awaitPodCidr(cidrWait);
            ClusterNetwork cluster = config.clusterNetwork();
            boolean vxlan = cluster != null && cluster.backend() == ClusterNetwork.Backend.VXLAN;
            int overlayMtu = HostFacts.mtuOf(host.internalIp()) - Overlay.VXLAN_OVERHEAD;
            NodePodNetwork nodeNetwork = new NodePodNetwork(podCidr, cluster == null ? podCidr : cluster.clusterCidr(),
                    vxlan ? OptionalInt.of(overlayMtu) : OptionalInt.empty());
            engines.forEach(e -> e.configureNetwork(nodeNetwork));
            if (cluster != null) {
                routes = new ClusterRoutes(client, config.nodeName(), host.internalIp(), podCidr, overlayMtu, cluster,
                        config.bridgeName()).start();
            }
            String gateway = PodNetworkConfig.builder(podCidr).build().gateway();
            Optional<ServiceRules.LocalDns> localDns = Optional.ofNullable(config.clusterDns())
                    .map(ip -> new ServiceRules.LocalDns(ip, gateway, ClusterDns.PORT));
            removeOtherProxyModes(podCidr);
            serviceProxy = new ServiceProxy(client, config.proxyMode().backend(podCidr, localDns), config.clusterDns())
                    .start();
            if (localDns.isPresent()) {
                clusterDns = new ClusterDns(serviceProxy, config.clusterDomain()).start(gateway, HOST_RESOLV_CONF);
            }
            policies = new NetworkPolicies(client, config.nodeName(), new PolicyEnforcer(
                    PodNetworkConfig.builder(podCidr).bridgeName(config.bridgeName()).build())).start();
        }
        events = new EventRecorder(client, "kubelet", config.nodeName(), clock);
        NodeContext context = new NodeContext(client, engines, events, clock, config, host, pressure::active);
        this.context = context;
        workers = new PodWorkers((uid, latest) -> new PodSync(context, uid, latest));
        context.onPodChanged(workers::poke);
        engines.forEach(e -> e.onExit(id -> context.podOf(id).ifPresent(workers::poke)));
        pods.addHandler(new Informer.Handler() {
                @Override
                public void onAdd(ObjectNode pod) {
                    workers.update(uid(pod), pod);
                }

                @Override
                public void onUpdate(ObjectNode oldPod, ObjectNode newPod) {
                    // the agent's own status writes come back as updates: they ask for nothing new, and
                    // syncing on them would replace a state (ErrImagePull) before anyone could see it; a
                    // condition another writer set may open a readiness gate, so the pod's Ready is looked at again
                    if (!statusOnly(oldPod, newPod) || !PodStatusBuilder.othersConditions(oldPod)
                            .equals(PodStatusBuilder.othersConditions(newPod))) {
                        workers.update(uid(newPod), newPod);
                    }
                }

                @Override
                public void onDelete(ObjectNode pod) {
                    workers.deleted(uid(pod), pod);
                }
            }).start();
        if (!pods.awaitSynced(Duration.ofMinutes(1))) {
            throw new IllegalStateException("could not list the pods bound to " + config.nodeName());
        }
        releaseLeftovers(context);
        imageGc = Thread.ofVirtual().name("image-gc").start(this::collectImages);
        evictionManager = new EvictionManager(config.eviction(),
                new HostSignals(Path.of("/proc"), config.dataDir(), config.dataDir().resolve("images")),
                new HostPodUsage(CgroupFiles.standard(), config.dataDir(), context::containersByPod),
                () -> evictable(context), context.evictions(),
                () -> engines.forEach(e -> e.deleteUnusedImages(imagesInUse())), pressure, heartbeat::postConditions,
                clock).start();
        LOG.info("node {} is running pods ({} on {})", config.nodeName(),
                engines.stream().map(ContainerEngine::version).toList(), host.internalIp());
        return this;
    }

    /**
     * Rules an earlier run wrote in another proxy mode would still answer for services with what they knew then,
     * before (or beside) this mode's: they go, as kube-proxy cleans up after other modes.
     */
    private void removeOtherProxyModes(String podCidr) {
        for (ServiceProxyBackend.Mode other : ServiceProxyBackend.Mode.values()) {
            if (other != config.proxyMode()) {
                try {
                    other.backend(podCidr, Optional.empty()).removeAll();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("could not remove the service rules of proxy mode {}: {}", other, e.getMessage());
                }
            }
        }
    }

    /** The address of the cluster DNS ({@code kube-system/kube-dns}), when the cluster has one. */
    public static Optional<String> clusterDnsAddress(ApiClient client) {
        try {
            String ip = client.get(ServiceProxy.SERVICES, "kube-system", "kube-dns").path("spec").path("clusterIP")
                    .asText("");
            return ip.isEmpty() || ip.equals("None") ? Optional.empty() : Optional.of(ip);
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The cluster's pod network as the control plane publishes it, when it does. */
    public static Optional<ClusterNetwork> clusterNetwork(ApiClient client) {
        try {
            String json = client.get(CONFIG_MAPS, ClusterNetwork.NAMESPACE, ClusterNetwork.CONFIG_MAP).path("data")
                    .path(ClusterNetwork.KEY).asText("");
            String where = ClusterNetwork.NAMESPACE + "/" + ClusterNetwork.CONFIG_MAP;
            if (json.isEmpty()) {
                LOG.warn("ConfigMap {} has no {}: this node reaches no other node's pods", where, ClusterNetwork.KEY);
                return Optional.empty();
            }
            try {
                return Optional.of(ClusterNetwork.parse(json));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ConfigMap " + where + ": " + e.getMessage(), e);
            }
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private String awaitPodCidr(Duration wait) throws InterruptedException {
        Instant deadline = clock.instant().plus(wait);
        while (true) {
            String cidr = client.get(NodeHeartbeat.NODES, "", config.nodeName()).path("spec").path("podCIDR")
                    .asText("");
            if (!cidr.isEmpty()) {
                return cidr;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("node " + config.nodeName() + " got no podCIDR within "
                        + wait.toSeconds() + " s: is the control plane running with a --cluster-cidr?");
            }
            Thread.sleep(200);
        }
    }

    /** Pods of an earlier run that are no longer bound here: their directories, sandboxes and containers go. */
    private void releaseLeftovers(NodeContext context) {
        Set<String> bound = new HashSet<>();
        pods.list().forEach(p -> bound.add(uid(p)));
        Set<String> leftovers = new HashSet<>();
        try (Stream<Path> dirs = Files.isDirectory(context.podsDir()) ? Files.list(context.podsDir()) : Stream.empty()) {
            dirs.map(d -> d.getFileName().toString()).filter(u -> !bound.contains(u)).forEach(leftovers::add);
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", context.podsDir(), e.toString());
        }
        engines.forEach(e -> e.sandboxes().stream().filter(u -> !bound.contains(u)).forEach(leftovers::add));
        for (String uid : leftovers) {
            LOG.info("releasing pod {}: it is no longer bound to this node", uid);
            workers.deleted(uid, null);
        }
        // a container no pod claims (its pod's state was lost) is stopped once every worker had its first look
        Thread.ofVirtual().name("orphan-containers").start(() -> {
            try {
                Thread.sleep(PodWorkers.RESYNC);
            } catch (InterruptedException e) {
                return;
            }
            Set<String> claimed = context.containersByPod().keySet();
            for (ContainerEngine engine : engines) {
                for (String id : engine.containers()) {
                    if (!claimed.contains(id)) {
                        LOG.info("removing container {}: no pod on this node claims it", id);
                        engine.stop(id, Duration.ofSeconds(10));
                        engine.remove(id);
                    }
                }
            }
        });
    }

    /** Every image-GC period: images that pods of this node name are kept, others may go under disk pressure. */
    private void collectImages() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(config.imageGc().period());
            } catch (InterruptedException e) {
                return;
            }
            Set<String> inUse = imagesInUse();
            engines.forEach(e -> e.collectImageGarbage(inUse));
        }
    }

    /** The images the node's pods name: image garbage collection keeps them. */
    private Set<String> imagesInUse() {
        Set<String> inUse = new HashSet<>();
        for (ObjectNode pod : pods.list()) {
            for (String list : List.of("initContainers", "containers")) {
                pod.path("spec").path(list).forEach(c -> inUse.add(c.path("image").asText()));
            }
        }
        return inUse;
    }

    /**
     * The node's pods eviction may pick: not finished, not being deleted, not evicted already. Evictions asked of
     * pods that are finished or gone by now are forgotten here.
     */
    private List<ObjectNode> evictable(NodeContext context) {
        List<ObjectNode> all = pods.list();
        context.evictions().retain(all);
        return all.stream().filter(p -> {
            String phase = p.path("status").path("phase").asText("");
            return !phase.equals("Succeeded") && !phase.equals("Failed") && !p.path("metadata").has("deletionTimestamp")
                    && !context.evictions().requested(uid(p));
        }).toList();
    }

    /** What the eviction manager evicts pods through (tests ask it directly, without pressure). */
    EvictionManager.Evictor evictor() {
        return context.evictions();
    }

    /** Whether two versions of a pod differ only in status (and the resourceVersion that came with it). */
    static boolean statusOnly(ObjectNode oldPod, ObjectNode newPod) {
        return withoutStatus(oldPod).equals(withoutStatus(newPod));
    }

    private static ObjectNode withoutStatus(ObjectNode pod) {
        ObjectNode copy = pod.deepCopy();
        copy.remove("status");
        if (copy.get("metadata") instanceof ObjectNode meta) {
            meta.remove("resourceVersion");
            meta.remove("managedFields");
        }
        return copy;
    }

    private static String uid(ObjectNode pod) {
        return pod.path("metadata").path("uid").asText();
    }

    @Override
    public void close() {
        if (clusterDns != null) {
            clusterDns.close();
        }
        if (serviceProxy != null) {
            serviceProxy.close(); // the rules stay: the pods they lead to outlive the agent too
        }
        if (policies != null) {
            policies.close(); // the rules stay, as the pods they protect do
        }
        if (routes != null) {
            routes.close(); // so do the routes to other nodes' pods
        }
        if (pods != null) {
            pods.close();
        }
        if (server != null) {
            server.close();
        }
        if (imageGc != null) {
            imageGc.interrupt();
        }
        if (evictionManager != null) {
            evictionManager.close();
        }
        if (workers != null) {
            workers.close();
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        if (events != null) {
            events.close();
        }
        engines.forEach(ContainerEngine::close);
    }
}
