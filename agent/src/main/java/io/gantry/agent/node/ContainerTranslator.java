package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.validation.Quantity;
import io.gantry.images.Image;
import io.gantry.images.ImageService;
import io.gantry.images.oci.ImageReference;
import io.gantry.runtime.Capabilities;
import io.gantry.runtime.CgroupConfig;
import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.LogPaths;
import io.gantry.runtime.Mount;
import io.gantry.runtime.Namespace;
import io.gantry.runtime.Namespaces;
import io.gantry.runtime.ProcessConfig;
import io.gantry.runtime.Resources;
import io.gantry.runtime.Rootfs;
import io.gantry.runtime.SeccompProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one container of a pod into what the OCI runtime runs: the image's layers under a writable overlay, the
 * process with its user, capabilities and seccomp from the security contexts, the pod's shared namespaces, the
 * volume and name-file mounts, and cgroup limits from the resources, as the kubelet and containerd map them.
 */
final class ContainerTranslator {
    /** The cgroup period the CPU limit is expressed against, as the kubelet uses (100 ms). */
    static final long CPU_PERIOD_MICROS = 100_000;

    private final ImageService images;

    ContainerTranslator(ImageService images) {
        this.images = images;
    }

    ContainerConfig translate(ContainerEngine.Launch launch, Path layerDir) {
        JsonNode pod = launch.pod();
        JsonNode spec = pod.path("spec");
        JsonNode container = launch.container();
        String uid = pod.path("metadata").path("uid").asText();
        List<Path> lowerDirs;
        try {
            Image image = images.get(ImageReference.parse(launch.image().imageRef())).orElseThrow(() ->
                    new IllegalStateException("image " + launch.image().imageRef() + " vanished from the node"));
            lowerDirs = images.lowerDirs(image);
            Files.createDirectories(layerDir.resolve("upper"));
            Files.createDirectories(layerDir.resolve("work"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the root filesystem of " + launch.containerId(), e);
        }
        JsonNode podSc = spec.path("securityContext");
        JsonNode sc = container.path("securityContext");
        ImageUser user = ImageUser.resolve(launch.image().user(), lowerDirs);
        long runAsUser = sc.has("runAsUser") ? sc.path("runAsUser").asLong()
                : podSc.has("runAsUser") ? podSc.path("runAsUser").asLong() : user.uid();
        long runAsGroup = sc.has("runAsGroup") ? sc.path("runAsGroup").asLong()
                : podSc.has("runAsGroup") ? podSc.path("runAsGroup").asLong() : user.gid();
        boolean runAsNonRoot = sc.has("runAsNonRoot") ? sc.path("runAsNonRoot").asBoolean()
                : podSc.path("runAsNonRoot").asBoolean(false);
        if (runAsNonRoot && runAsUser == 0) {
            throw new EnvResolver.ConfigException("container has runAsNonRoot and image will run as root (pod: \""
                    + pod.path("metadata").path("name").asText() + "_" + pod.path("metadata").path("namespace").asText()
                    + "(" + uid + ")\", container: " + container.path("name").asText() + ")");
        }
        List<Integer> groups = new ArrayList<>();
        podSc.path("supplementalGroups").forEach(g -> groups.add(g.asInt()));
        if (podSc.has("fsGroup")) {
            groups.add(podSc.path("fsGroup").asInt());
        }
        boolean privileged = sc.path("privileged").asBoolean(false);
        String seccompType = sc.path("seccompProfile").path("type").asText(
                podSc.path("seccompProfile").path("type").asText("RuntimeDefault"));
        List<String> env = new ArrayList<>(launch.env());
        if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
            env.addFirst(ProcessConfig.DEFAULT_PATH);
        }
        if (env.stream().noneMatch(e -> e.startsWith("HOSTNAME="))) {
            env.add("HOSTNAME=" + spec.path("hostname").asText(pod.path("metadata").path("name").asText()));
        }
        ProcessConfig process = ProcessConfig.of(launch.args())
                .withEnv(env)
                .withCwd(launch.workingDir().startsWith("/") ? launch.workingDir() : "/" + launch.workingDir())
                .withUser((int) runAsUser, (int) runAsGroup, groups)
                .withNoNewPrivileges(sc.has("allowPrivilegeEscalation") && !sc.path("allowPrivilegeEscalation").asBoolean())
                .withCapabilities(capabilities(sc.path("capabilities")))
                .withPrivileged(privileged)
                .withSeccomp(seccompType.equals("Unconfined") ? SeccompProfile.UNCONFINED : SeccompProfile.RUNTIME_DEFAULT);
        Namespaces namespaces = Namespaces.allNew()
                .withNetwork(spec.path("hostNetwork").asBoolean(false) ? Namespace.HOST : join(launch, "net"))
                .withIpc(spec.path("hostIPC").asBoolean(false) ? Namespace.HOST : join(launch, "ipc"))
                .withUts(spec.path("hostNetwork").asBoolean(false) ? Namespace.HOST : join(launch, "uts"));
        if (spec.path("hostPID").asBoolean(false)) {
            namespaces = namespaces.withPid(Namespace.HOST);
        } else if (launch.sandbox().namespaces().containsKey("pid")) {
            namespaces = namespaces.withPid(join(launch, "pid"));
        }
        Path log = launch.logFile();
        return new ContainerConfig(launch.containerId(),
                new Rootfs.Overlay(lowerDirs, layerDir.resolve("upper"), layerDir.resolve("work")),
                sc.path("readOnlyRootFilesystem").asBoolean(false), process, null,
                mounts(launch), namespaces,
                CgroupConfig.of("/" + PodCgroups.path(uid) + "/" + launch.containerId()).withResources(resources(container)),
                java.util.OptionalInt.empty(),
                rawLogs(log), container.path("stdin").asBoolean(false), container.path("tty").asBoolean(false));
    }

    /** Where runc writes a container's output before it is converted into the CRI log {@code criLog}. */
    static LogPaths rawLogs(Path criLog) {
        return new LogPaths(criLog.resolveSibling(criLog.getFileName() + ".stdout"),
                criLog.resolveSibling(criLog.getFileName() + ".stderr"));
    }

    private static Namespace join(ContainerEngine.Launch launch, String kind) {
        Path path = launch.sandbox().namespaces().get(kind);
        return path == null ? Namespace.NEW : new Namespace.Join(path);
    }

    /** Docker's default set, plus what the container adds, minus what it drops ("ALL" drops every one). */
    static Set<String> capabilities(JsonNode caps) {
        Set<String> out = new LinkedHashSet<>();
        boolean dropAll = false;
        for (JsonNode d : caps.path("drop")) {
            if (d.asText().equalsIgnoreCase("ALL")) {
                dropAll = true;
            }
        }
        if (!dropAll) {
            out.addAll(Capabilities.normalize(Capabilities.DEFAULT));
            for (JsonNode d : caps.path("drop")) {
                out.remove(normalize(d.asText()));
            }
        }
        for (JsonNode a : caps.path("add")) {
            if (a.asText().equalsIgnoreCase("ALL")) {
                out.addAll(Capabilities.ALL);
            } else {
                out.add(normalize(a.asText()));
            }
        }
        return out;
    }

    private static String normalize(String cap) {
        String upper = cap.toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("CAP_") ? upper : "CAP_" + upper;
    }

    private static List<Mount> mounts(ContainerEngine.Launch launch) {
        List<Mount> out = new ArrayList<>();
        JsonNode container = launch.container();
        Set<String> targets = new java.util.HashSet<>();
        for (JsonNode m : container.path("volumeMounts")) {
            String name = m.path("name").asText();
            Path source = launch.volumes().get(name);
            if (source == null) {
                throw new EnvResolver.ConfigException("volume " + name + " is mounted but not defined");
            }
            String subPath = m.path("subPath").asText("");
            if (!subPath.isEmpty()) {
                Path sub = source.resolve(subPath).normalize();
                if (!sub.startsWith(source)) {
                    throw new EnvResolver.ConfigException("subPath " + subPath + " leaves volume " + name);
                }
                try {
                    if (!Files.exists(sub)) {
                        Files.createDirectories(sub);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                source = sub;
            }
            String target = m.path("mountPath").asText();
            targets.add(target);
            out.add(Mount.bind(source, target, m.path("readOnly").asBoolean(false)));
        }
        boolean hostNetwork = launch.pod().path("spec").path("hostNetwork").asBoolean(false);
        if (!targets.contains("/etc/hosts")) {
            out.add(Mount.bind(launch.podDir().resolve("etc-hosts"), "/etc/hosts", false));
        }
        if (!targets.contains("/etc/resolv.conf")) {
            out.add(Mount.bind(launch.podDir().resolve("resolv.conf"), "/etc/resolv.conf", false));
        }
        if (!targets.contains("/etc/hostname") && !hostNetwork) {
            out.add(Mount.bind(launch.podDir().resolve("hostname"), "/etc/hostname", false));
        }
        return out;
    }

    /** cpu shares from the request, a CFS quota from the limit, the memory limit; as the kubelet sets them. */
    static Resources resources(JsonNode container) {
        JsonNode requests = container.path("resources").path("requests");
        JsonNode limits = container.path("resources").path("limits");
        Resources r = Resources.none();
        Optional<BigDecimal> cpuRequest = quantity(requests.path("cpu").asText(limits.path("cpu").asText("")));
        long milli = cpuRequest.map(q -> q.movePointRight(3).longValue()).orElse(0L);
        r = r.withCpuShares(Math.max(2, milli * 1024 / 1000));
        Optional<BigDecimal> cpuLimit = quantity(limits.path("cpu").asText(""));
        if (cpuLimit.isPresent()) {
            long limitMilli = cpuLimit.get().movePointRight(3).longValue();
            r = r.withCpuQuota(Math.max(1000, limitMilli * CPU_PERIOD_MICROS / 1000), CPU_PERIOD_MICROS);
        }
        Optional<BigDecimal> memory = quantity(limits.path("memory").asText(""));
        if (memory.isPresent()) {
            r = r.withMemoryLimitBytes(memory.get().longValue());
        }
        return r;
    }

    private static Optional<BigDecimal> quantity(String text) {
        return text.isEmpty() ? Optional.empty() : Quantity.parse(text);
    }
}
