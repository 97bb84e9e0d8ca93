package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.images.Image;
import io.gantry.images.ImageService;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.network.PodNetwork;
import io.gantry.network.PodNetworkConfig;
import io.gantry.network.PodNetworkStatus;
import io.gantry.network.PortMapping;
import io.gantry.network.dns.EtcHosts;
import io.gantry.network.dns.PodDomain;
import io.gantry.network.dns.ResolvConf;
import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.ContainerRuntime;
import io.gantry.runtime.ContainerState;
import io.gantry.runtime.logs.ContainerLogs;
import io.gantry.runtime.logs.LogRotation;
import io.gantry.runtime.runc.RuncRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The default RuntimeClass: OCI images pulled into the node's image store, containers run by runc on overlayfs,
 * each pod in network, IPC and UTS namespaces of its own with an address from the node's podCIDR (CNI bridge).
 */
final class OciEngine implements ContainerEngine {
    private static final Logger LOG = LoggerFactory.getLogger(OciEngine.class);
    static final String HANDLER = "runc";

    private final NodeAgentConfig config;
    private final ImageService images;
    private final ContainerRuntime runtime;
    private final ContainerTranslator translator;
    private final List<Consumer<String>> exitListeners = new CopyOnWriteArrayList<>();
    /**
     * Containers this process started and saw no exit of yet: they run, and asking runc (a process per question)
     * would say nothing new. Their exits arrive through the runtime's reaper, which removes them here; containers
     * of an earlier agent process are not its children, so they are always asked about.
     */
    private final Map<String, ContainerRun.Running> startedHere = new ConcurrentHashMap<>();
    /** Converters of each container's raw output into its CRI log, until the container is removed. */
    private final Map<String, ContainerLogs> logs = new ConcurrentHashMap<>();
    private volatile PodNetwork network;

    private final RegistryClient registry;

    private OciEngine(NodeAgentConfig config, RegistryClient registry, ImageService images, ContainerRuntime runtime) {
        this.config = config;
        this.registry = registry;
        this.images = images;
        this.runtime = runtime;
        this.translator = new ContainerTranslator(images);
    }

    static OciEngine create(NodeAgentConfig config) {
        RegistryClient registry = new RegistryClient(RegistryOptions.defaults()
                .withInsecureRegistries(config.insecureRegistries()));
        try {
            ImageService images = new ImageService(config.dataDir().resolve("images"), registry);
            RuncRuntime runtime = new RuncRuntime(config.runtimeBinary(), config.stateDir().resolve("runc"),
                    config.dataDir().resolve("bundles"));
            OciEngine engine = new OciEngine(config, registry, images, runtime);
            runtime.onExit(engine::exited);
            return engine;
        } catch (IOException e) {
            registry.close();
            throw new UncheckedIOException("cannot open the image store under " + config.dataDir(), e);
        }
    }

    @Override
    public void collectImageGarbage(Set<String> imagesInUse) {
        imageGarbageCollector().collect(imagesInUse);
    }

    @Override
    public void deleteUnusedImages(Set<String> imagesInUse) {
        imageGarbageCollector().deleteUnused(imagesInUse);
    }

    private ImageGarbageCollector imageGarbageCollector() {
        return new ImageGarbageCollector(images, config.dataDir().resolve("images"), config.imageGc());
    }

    @Override
    public void close() {
        logs.values().forEach(ContainerLogs::close);
        runtime.close();
        registry.close();
    }

    private void exited(String id) {
        startedHere.remove(id);
        ContainerLogs log = logs.get(id);
        if (log != null) {
            log.containerStopped();
        }
        exitListeners.forEach(l -> l.accept(id));
    }

    @Override
    public String handler() {
        return HANDLER;
    }

    @Override
    public String version() {
        // the binary's own name: runc, or crun when a node runs that instead
        return config.runtimeBinary().getFileName() + "://" + RuncVersion.of(config.runtimeBinary());
    }

    @Override
    public boolean needsPodCidr() {
        return true;
    }

    @Override
    public void configureNetwork(NodePodNetwork nodeNetwork) {
        String podCidr = nodeNetwork.podCidr();
        try {
            PodNetworkConfig.Builder builder = PodNetworkConfig.builder(podCidr);
            nodeNetwork.mtu().ifPresent(builder::mtu);
            network = PodNetwork.create(builder.nonMasqueradeCidr(nodeNetwork.clusterCidr())
                    .bridgeName(config.bridgeName())
                    .ipamDataDir(config.dataDir().resolve("cni/ipam"))
                    .confDir(config.dataDir().resolve("cni/net.d"))
                    .cniCacheDir(config.dataDir().resolve("cni/cache"))
                    .namespaceRoot(config.stateDir().resolve("ns"))
                    .pluginDirs(config.cniPluginDirs())
                    .build());
            network.ensureBridge();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot configure the pod network for " + podCidr, e);
        }
    }

    @Override
    public void onExit(Consumer<String> listener) {
        exitListeners.add(listener);
    }

    @Override
    public Sandbox ensureSandbox(ObjectNode pod, Path podDir) {
        JsonNode spec = pod.path("spec");
        String uid = pod.path("metadata").path("uid").asText();
        String hostname = spec.path("hostname").asText(pod.path("metadata").path("name").asText());
        Sandbox sandbox;
        try {
            if (spec.path("hostNetwork").asBoolean(false)) {
                sandbox = new Sandbox(null, Map.of());
            } else {
                PodNetworkStatus status = network().setUp(uid, hostname, portMappings(spec));
                sandbox = new Sandbox(status.ip(), Map.of("net", status.namespaces().net(),
                        "ipc", status.namespaces().ipc(), "uts", status.namespaces().uts()));
            }
            if (spec.path("shareProcessNamespace").asBoolean(false) && !spec.path("hostPID").asBoolean(false)) {
                java.util.Map<String, Path> namespaces = new java.util.HashMap<>(sandbox.namespaces());
                namespaces.put("pid", PidNamespaceHolder.ensure(podDir));
                sandbox = new Sandbox(sandbox.podIp(), Map.copyOf(namespaces));
            }
            writeNameFiles(pod, podDir, hostname, sandbox);
            return sandbox;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private PodNetwork network() {
        PodNetwork n = network;
        if (n == null) {
            throw new IllegalStateException("the node has no podCIDR yet");
        }
        return n;
    }

    private static List<PortMapping> portMappings(JsonNode spec) {
        List<PortMapping> out = new ArrayList<>();
        for (JsonNode c : spec.path("containers")) {
            for (JsonNode p : c.path("ports")) {
                int hostPort = p.path("hostPort").asInt(0);
                if (hostPort > 0) {
                    String hostIp = p.path("hostIP").asText("");
                    out.add(new PortMapping(hostPort, p.path("containerPort").asInt(),
                            PortMapping.Protocol.valueOf(p.path("protocol").asText("TCP")),
                            hostIp.isEmpty() ? Optional.empty() : Optional.of(hostIp)));
                }
            }
        }
        return out;
    }

    /** /etc/hosts, /etc/resolv.conf and /etc/hostname of the pod, bind-mounted into each container. */
    private void writeNameFiles(ObjectNode pod, Path podDir, String hostname, Sandbox sandbox) throws IOException {
        JsonNode spec = pod.path("spec");
        String namespace = pod.path("metadata").path("namespace").asText();
        Files.createDirectories(podDir);
        String hosts;
        if (spec.path("hostNetwork").asBoolean(false)) {
            hosts = Files.readString(Path.of("/etc/hosts"));
        } else {
            String subdomain = spec.path("subdomain").asText("");
            hosts = EtcHosts.render(sandbox.podIp(), hostname, subdomain.isEmpty() ? Optional.empty()
                    : Optional.of(new PodDomain(subdomain, namespace, config.clusterDomain())), List.of());
        }
        Files.writeString(podDir.resolve("etc-hosts"), hosts);
        ResolvConf host = Files.exists(NodeAgent.HOST_RESOLV_CONF) ? ResolvConf.hostDefault(NodeAgent.HOST_RESOLV_CONF)
                : ResolvConf.EMPTY;
        Files.writeString(podDir.resolve("resolv.conf"),
                PodResolvConf.of(spec, namespace, config.clusterDns(), config.clusterDomain(), host).render());
        Files.writeString(podDir.resolve("hostname"), hostname + "\n");
    }

    @Override
    public void removeSandbox(String podUid) {
        PodNetwork n = network;
        if (n != null) {
            try {
                n.tearDown(podUid);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release the network of pod " + podUid + ": " + e.getMessage(), e);
            }
        }
        PodCgroups.remove(podUid);
        PidNamespaceHolder.remove(config.dataDir().resolve("pods").resolve(podUid));
    }

    @Override
    public Set<String> sandboxes() {
        PodNetwork n = network;
        if (n == null) {
            return Set.of();
        }
        try {
            return new HashSet<>(n.listPods());
        } catch (IOException e) {
            LOG.warn("cannot list pod networks: {}", e.toString());
            return Set.of();
        }
    }

    @Override
    public ImageInfo ensureImage(String image, String pullPolicy, List<RegistryAuth> auths)
            throws ImagePullException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(image);
        } catch (IllegalArgumentException e) {
            throw new ImagePullException("invalid image reference \"" + image + "\": " + e.getMessage());
        }
        try {
            Optional<Image> present = images.get(ref);
            boolean pulled = false;
            Image img;
            if (present.isPresent() && !pullPolicy.equals("Always")) {
                img = present.get();
            } else if (pullPolicy.equals("Never")) {
                throw new ImagePullException("container image \"" + image + "\" is not present with pull policy of "
                        + "Never");
            } else {
                RegistryCredentials credentials = RegistryCredentials.none();
                for (RegistryAuth auth : auths) {
                    credentials = credentials.merge(RegistryCredentials.parseDockerConfigJson(auth.dockerConfigJson()));
                }
                Image fetched = images.pull(ref, credentials);
                pulled = present.map(p -> !p.configDigest().equals(fetched.configDigest())).orElse(true);
                img = fetched;
            }
            var c = img.config();
            return new ImageInfo(image, img.repoDigest().toString(), c.entrypoint(), c.cmd(), c.env(), c.workingDir(),
                    c.user(), pulled);
        } catch (IOException e) {
            throw new ImagePullException(e.getMessage());
        }
    }

    @Override
    public String start(Launch launch) {
        ContainerConfig container = translator.translate(launch, config.dataDir().resolve("containers")
                .resolve(launch.containerId()));
        runtime.create(container);
        logs.put(launch.containerId(), ContainerLogs.follow(container.log(), launch.logFile(),
                LogRotation.KUBELET_DEFAULT));
        try {
            runtime.start(launch.containerId());
        } catch (RuntimeException e) {
            remove(launch.containerId());
            throw e;
        }
        startedHere.put(launch.containerId(), new ContainerRun.Running(Instant.now()));
        // an exit before the line above found nothing to forget: then the runtime has it recorded
        if (!(runtime.state(launch.containerId()) instanceof ContainerState.Running)) {
            startedHere.remove(launch.containerId());
        }
        return launch.containerId();
    }

    @Override
    public void attachLogs(String containerId, Path logFile) {
        logs.computeIfAbsent(containerId, id -> {
            ContainerLogs log = ContainerLogs.follow(ContainerTranslator.rawLogs(logFile), logFile,
                    LogRotation.KUBELET_DEFAULT);
            if (runtime.state(id) instanceof ContainerState.Stopped) {
                log.containerStopped();
            }
            return log;
        });
    }

    @Override
    public ContainerRun state(String containerId) {
        ContainerRun.Running known = startedHere.get(containerId);
        if (known != null) {
            return known;
        }
        return switch (runtime.state(containerId)) {
            case ContainerState.Created created -> new ContainerRun.Created();
            case ContainerState.Running running -> new ContainerRun.Running(running.startedAt());
            case ContainerState.Stopped stopped -> new ContainerRun.Exited(stopped.exitCode(), stopped.reason(),
                    stopped.startedAt().orElse(null), stopped.finishedAt());
            case ContainerState.Unknown unknown -> new ContainerRun.Missing();
        };
    }

    @Override
    public Process exec(String containerId, List<String> command, boolean tty) {
        return runtime.exec(containerId, new io.gantry.runtime.ExecRequest(command, List.of(), null, tty));
    }

    @Override
    public Optional<OutputStream> stdin(String containerId) {
        return runtime.stdin(containerId);
    }

    @Override
    public void closeStdin(String containerId) {
        runtime.closeStdin(containerId);
    }

    @Override
    public void resize(String containerId, int columns, int rows) throws IOException {
        runtime.resize(containerId, columns, rows);
    }

    @Override
    public void terminate(String containerId) {
        try {
            runtime.kill(containerId, io.gantry.runtime.Signals.SIGTERM);
        } catch (RuntimeException e) {
            LOG.debug("SIGTERM to {}: {}", containerId, e.toString());
        }
    }

    @Override
    public void stop(String containerId, Duration grace) {
        if (runtime.state(containerId) instanceof ContainerState.Running) {
            runtime.stop(containerId, grace);
        }
        startedHere.remove(containerId);
    }

    @Override
    public void remove(String containerId) {
        startedHere.remove(containerId);
        LogFollowers.finish(logs.remove(containerId));
        runtime.delete(containerId);
        try {
            AtomicDirectoryWriter.deleteTree(config.dataDir().resolve("containers").resolve(containerId));
        } catch (IOException e) {
            LOG.warn("cannot remove the writable layer of {}: {}", containerId, e.toString());
        }
    }

    @Override
    public Set<String> containers() {
        return new HashSet<>(runtime.list());
    }

}
