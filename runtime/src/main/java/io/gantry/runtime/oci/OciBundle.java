package io.gantry.runtime.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.runtime.CgroupConfig;
import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.Mount;
import io.gantry.runtime.Namespace;
import io.gantry.runtime.Namespaces;
import io.gantry.runtime.ProcessConfig;
import io.gantry.runtime.Resources;
import io.gantry.runtime.Rootfs;
import io.gantry.runtime.SeccompProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes an OCI runtime bundle's {@code config.json} for a {@link ContainerConfig}.
 *
 * <p>Defaults follow Docker/containerd where Kubernetes users expect them: the standard mounts, masked and read-only
 * /proc and /sys paths, all devices denied but runc's standard ones (/dev/null, zero, full, random, urandom, tty,
 * ptmx), the {@link DefaultSeccompProfile}. Privileged containers get all capabilities, every device allowed, /sys
 * writable, no masked paths and no seccomp filter (but no host devices in /dev, unlike Docker).
 */
public final class OciBundle {

    /** The spec version runc 1.1's {@code runc spec} writes. */
    public static final String OCI_VERSION = "1.0.2-dev";
    /** Where an overlay root filesystem is mounted, relative to the bundle directory. */
    public static final String ROOTFS_DIRECTORY = "rootfs";
    public static final String CONFIG_FILE = "config.json";
    /** A terminal's size until a client sends its own: programs cope badly with 0 x 0. */
    public static final int CONSOLE_ROWS = 24;
    public static final int CONSOLE_COLUMNS = 80;

    /** Paths hidden from the container (bind-mounted over with /dev/null or an empty tmpfs), as Docker does. */
    public static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    /** Paths the container may read but not write, as Docker does. */
    public static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final boolean limitSwapToMemory;

    /**
     * @param limitSwapToMemory set the memory+swap limit equal to the memory limit, so a container cannot swap
     *                          instead of meeting its limit (what Kubernetes does); needs swap accounting in the kernel,
     *                          see {@link io.gantry.runtime.linux.CgroupFiles#swapLimitSupported()}
     */
    public OciBundle(boolean limitSwapToMemory) {
        this.limitSwapToMemory = limitSwapToMemory;
    }

    /** The bundle's root filesystem path as config.json gives it. */
    public static String rootPath(Rootfs rootfs) {
        return switch (rootfs) {
            case Rootfs.Overlay overlay -> ROOTFS_DIRECTORY;
            case Rootfs.Directory directory -> directory.path().toAbsolutePath().toString();
        };
    }

    /** Writes {@code bundleDirectory/config.json} (atomically: runc never reads half a file). */
    public void write(ContainerConfig config, Path bundleDirectory) {
        Path target = bundleDirectory.resolve(CONFIG_FILE);
        Path temporary = bundleDirectory.resolve(CONFIG_FILE + ".tmp");
        try {
            JSON.writeValue(temporary.toFile(), spec(config));
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** The config.json document for {@code config}. */
    public ObjectNode spec(ContainerConfig config) {
        ObjectNode spec = NODES.objectNode();
        spec.put("ociVersion", OCI_VERSION);
        spec.set("process", process(config));
        ObjectNode root = spec.putObject("root");
        root.put("path", rootPath(config.rootfs()));
        root.put("readonly", config.readOnlyRootfs());
        if (config.hostname() != null && !config.hostname().isBlank()
                && config.namespaces().uts() instanceof Namespace.New) {
            spec.put("hostname", config.hostname());
        }
        ArrayNode mounts = spec.putArray("mounts");
        for (Mount mount : mounts(config)) {
            mounts.add(mount(mount));
        }
        spec.set("linux", linux(config));
        return spec;
    }

    /** The process object; also the base of {@code runc exec --process} documents. */
    private ObjectNode process(ContainerConfig config) {
        ProcessConfig process = config.process();
        ObjectNode node = NODES.objectNode();
        node.put("terminal", config.terminal());
        if (config.terminal()) {
            putConsoleSize(node);
        }
        ObjectNode user = node.putObject("user");
        user.put("uid", process.uid());
        user.put("gid", process.gid());
        if (!process.additionalGids().isEmpty()) {
            ArrayNode gids = user.putArray("additionalGids");
            process.additionalGids().forEach(gids::add);
        }
        ArrayNode args = node.putArray("args");
        process.args().forEach(args::add);
        ArrayNode env = node.putArray("env");
        process.env().forEach(env::add);
        node.put("cwd", process.cwd());
        ObjectNode capabilities = node.putObject("capabilities");
        List<String> caps = new ArrayList<>(new TreeSet<>(process.effectiveCapabilities()));
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            ArrayNode names = capabilities.putArray(set);
            caps.forEach(names::add);
        }
        node.put("noNewPrivileges", process.noNewPrivileges());
        config.oomScoreAdj().ifPresent(score -> node.put("oomScoreAdj", score));
        return node;
    }

    /** The standard mounts with the container's own; one of the container's replaces a standard one at its path. */
    static List<Mount> mounts(ContainerConfig config) {
        boolean privileged = config.process().privileged();
        Map<String, Mount> byDestination = new LinkedHashMap<>();
        for (Mount mount : standardMounts(privileged)) {
            byDestination.put(mount.destination(), mount);
        }
        for (Mount mount : config.mounts()) {
            byDestination.remove(mount.destination());
            byDestination.put(mount.destination(), mount);
        }
        return List.copyOf(byDestination.values());
    }

    static List<Mount> standardMounts(boolean privileged) {
        String sysAccess = privileged ? "rw" : "ro";
        return List.of(
                new Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", sysAccess)),
                new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", sysAccess)));
    }

    private static ObjectNode mount(Mount mount) {
        ObjectNode node = NODES.objectNode();
        node.put("destination", mount.destination());
        node.put("type", mount.type());
        node.put("source", mount.source());
        if (!mount.options().isEmpty()) {
            ArrayNode options = node.putArray("options");
            mount.options().forEach(options::add);
        }
        return node;
    }

    private ObjectNode linux(ContainerConfig config) {
        ProcessConfig process = config.process();
        ObjectNode linux = NODES.objectNode();
        linux.set("namespaces", namespaces(config.namespaces()));
        CgroupConfig cgroup = config.cgroup();
        linux.put("cgroupsPath", cgroup.cgroupsPath());
        linux.set("resources", resources(cgroup.resources(), process.privileged()));
        if (!process.privileged()) {
            ArrayNode masked = linux.putArray("maskedPaths");
            MASKED_PATHS.forEach(masked::add);
            ArrayNode readonly = linux.putArray("readonlyPaths");
            READONLY_PATHS.forEach(readonly::add);
            if (process.seccomp() == SeccompProfile.RUNTIME_DEFAULT) {
                linux.set("seccomp", DefaultSeccompProfile.forCapabilities(process.effectiveCapabilities()));
            }
        }
        return linux;
    }

    private static ArrayNode namespaces(Namespaces namespaces) {
        ArrayNode list = NODES.arrayNode();
        addNamespace(list, "pid", namespaces.pid());
        addNamespace(list, "network", namespaces.network());
        addNamespace(list, "ipc", namespaces.ipc());
        addNamespace(list, "uts", namespaces.uts());
        addNamespace(list, "mount", namespaces.mount());
        addNamespace(list, "cgroup", namespaces.cgroup());
        return list;
    }

    /** A new namespace is listed without path, a joined one with it; a host one is not listed at all. */
    private static void addNamespace(ArrayNode list, String type, Namespace namespace) {
        switch (namespace) {
            case Namespace.New n -> list.addObject().put("type", type);
            case Namespace.Join join -> list.addObject().put("type", type).put("path", join.path().toString());
            case Namespace.Host host -> { }
        }
    }

    private ObjectNode resources(Resources resources, boolean privileged) {
        ObjectNode node = NODES.objectNode();
        ObjectNode devices = node.putArray("devices").addObject();
        devices.put("allow", privileged);
        devices.put("access", "rwm");
        if (resources.cpuShares().isPresent() || resources.cpuQuota().isPresent() || resources.cpuPeriod().isPresent()) {
            ObjectNode cpu = node.putObject("cpu");
            resources.cpuShares().ifPresent(shares -> cpu.put("shares", shares));
            resources.cpuQuota().ifPresent(quota -> cpu.put("quota", quota));
            resources.cpuPeriod().ifPresent(period -> cpu.put("period", period));
        }
        resources.memoryLimitBytes().ifPresent(limit -> {
            ObjectNode memory = node.putObject("memory");
            memory.put("limit", limit);
            if (limitSwapToMemory) {
                memory.put("swap", limit);
            }
        });
        resources.pidsLimit().ifPresent(limit -> node.putObject("pids").put("limit", limit));
        return node;
    }

    /**
     * A {@code runc exec --process} document: the container's own process settings (user, capabilities,
     * noNewPrivileges) with another command, added environment entries and, if given, another working directory.
     */
    public static ObjectNode execProcess(ObjectNode containerSpec, List<String> args, List<String> extraEnv, String cwd,
                                         boolean terminal) {
        ObjectNode process = ((ObjectNode) containerSpec.get("process")).deepCopy();
        process.put("terminal", terminal);
        if (terminal) {
            // runc sizes the exec's terminal from its own only after the process started: one that asks at once
            // (stty size) would see 0 x 0
            putConsoleSize(process);
        } else {
            process.remove("consoleSize");
        }
        ArrayNode argNodes = process.putArray("args");
        args.forEach(argNodes::add);
        Map<String, String> env = new LinkedHashMap<>();
        containerSpec.get("process").get("env").forEach(entry -> putEnv(env, entry.asText()));
        extraEnv.forEach(entry -> putEnv(env, entry));
        if (terminal) {
            // what Docker gives a terminal exec whose image and request set no TERM
            env.putIfAbsent("TERM", "xterm");
        }
        ArrayNode envNodes = process.putArray("env");
        env.forEach((key, value) -> envNodes.add(key + "=" + value));
        if (cwd != null) {
            process.put("cwd", cwd);
        }
        process.remove("oomScoreAdj");
        return process;
    }

    private static void putConsoleSize(ObjectNode process) {
        process.putObject("consoleSize").put("height", CONSOLE_ROWS).put("width", CONSOLE_COLUMNS);
    }

    private static void putEnv(Map<String, String> env, String entry) {
        int equals = entry.indexOf('=');
        env.put(entry.substring(0, equals), entry.substring(equals + 1));
    }
}
