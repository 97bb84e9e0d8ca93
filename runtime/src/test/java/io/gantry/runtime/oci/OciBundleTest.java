package io.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciBundleTest {

    private static final Path NETNS = Path.of("/run/netns/pod-abc");

    private final OciBundle bundle = new OciBundle(true);

    private static ContainerConfig podContainer() {
        ProcessConfig process = ProcessConfig.of("nginx", "-g", "daemon off;")
                .withUser(1000, 2000, List.of(3000, 4000))
                .withEnv(List.of("PATH=/bin", "MODE=prod"))
                .withCwd("/srv")
                .withNoNewPrivileges(true);
        Namespaces namespaces = Namespaces.allNew()
                .withNetwork(new Namespace.Join(NETNS))
                .withIpc(new Namespace.Join(Path.of("/proc/42/ns/ipc")))
                .withUts(new Namespace.Join(Path.of("/proc/42/ns/uts")))
                .withCgroup(Namespace.HOST);
        Resources resources = Resources.none().withCpuShares(512).withCpuQuota(50_000, 100_000)
                .withMemoryLimitBytes(64L << 20).withPidsLimit(100);
        return ContainerConfig.of("web-1",
                        new Rootfs.Overlay(List.of(Path.of("/layers/2"), Path.of("/layers/1")), Path.of("/c/upper"),
                                Path.of("/c/work")),
                        process, new CgroupConfig("/gantry/pod123/web-1", resources), LogPaths.in(Path.of("/logs/web-1")))
                .withReadOnlyRootfs(true)
                .withHostname("web")
                .withNamespaces(namespaces)
                .withOomScoreAdj(500)
                .withMounts(List.of(Mount.bind(Path.of("/var/lib/gantry/pods/123/volumes/data"), "/data", true)));
    }

    @Test
    void writesTheSpecVersionRuncAcceptsAndTheRootfs() {
        ObjectNode spec = bundle.spec(podContainer());

        assertThat(spec.get("ociVersion").asText()).isEqualTo("1.0.2-dev");
        assertThat(spec.at("/root/path").asText()).isEqualTo("rootfs");
        assertThat(spec.at("/root/readonly").asBoolean()).isTrue();
        assertThat(spec.at("/process/terminal").asBoolean()).isFalse();
    }

    @Test
    void processCarriesUserEnvironmentAndOomScore() {
        JsonNode process = bundle.spec(podContainer()).get("process");

        assertThat(texts(process.get("args"))).containsExactly("nginx", "-g", "daemon off;");
        assertThat(texts(process.get("env"))).containsExactly("PATH=/bin", "MODE=prod");
        assertThat(process.get("cwd").asText()).isEqualTo("/srv");
        assertThat(process.at("/user/uid").asInt()).isEqualTo(1000);
        assertThat(process.at("/user/gid").asInt()).isEqualTo(2000);
        assertThat(texts(process.at("/user/additionalGids"))).containsExactly("3000", "4000");
        assertThat(process.get("noNewPrivileges").asBoolean()).isTrue();
        assertThat(process.get("oomScoreAdj").asInt()).isEqualTo(500);
    }

    @Test
    void capabilitiesAreInAllFiveSets() {
        JsonNode capabilities = bundle.spec(podContainer()).at("/process/capabilities");

        assertThat(iterable(capabilities.fieldNames()))
                .containsExactlyInAnyOrder("bounding", "effective", "inheritable", "permitted", "ambient");
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            assertThat(texts(capabilities.get(set))).as(set).containsExactlyInAnyOrderElementsOf(Capabilities.DEFAULT);
        }
        assertThat(Capabilities.DEFAULT).hasSize(14).contains("CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE");
    }

    @Test
    void joinedNamespacesHavePathsNewOnesNoneAndHostOnesAreLeftOut() {
        JsonNode namespaces = bundle.spec(podContainer()).at("/linux/namespaces");

        assertThat(namespaces).hasSize(5);
        assertThat(namespace(namespaces, "network").get("path").asText()).isEqualTo(NETNS.toString());
        assertThat(namespace(namespaces, "ipc").get("path").asText()).isEqualTo("/proc/42/ns/ipc");
        assertThat(namespace(namespaces, "uts").get("path").asText()).isEqualTo("/proc/42/ns/uts");
        assertThat(namespace(namespaces, "pid").has("path")).isFalse();
        assertThat(namespace(namespaces, "mount").has("path")).isFalse();
        assertThat(namespace(namespaces, "cgroup")).isNull();
    }

    @Test
    void hostnameOnlyWithAnOwnUtsNamespace() {
        ContainerConfig joined = podContainer();
        ContainerConfig own = joined.withNamespaces(joined.namespaces().withUts(Namespace.NEW));

        assertThat(bundle.spec(joined).has("hostname")).isFalse();
        assertThat(bundle.spec(own).get("hostname").asText()).isEqualTo("web");
    }

    @Test
    void cgroupResourcesInTheSpecsUnits() {
        JsonNode linux = bundle.spec(podContainer()).get("linux");

        assertThat(linux.get("cgroupsPath").asText()).isEqualTo("/gantry/pod123/web-1");
        JsonNode resources = linux.get("resources");
        assertThat(resources.at("/cpu/shares").asLong()).isEqualTo(512);
        assertThat(resources.at("/cpu/quota").asLong()).isEqualTo(50_000);
        assertThat(resources.at("/cpu/period").asLong()).isEqualTo(100_000);
        assertThat(resources.at("/memory/limit").asLong()).isEqualTo(64L * 1024 * 1024);
        assertThat(resources.at("/memory/swap").asLong()).as("no swapping past the limit").isEqualTo(64L * 1024 * 1024);
        assertThat(resources.at("/pids/limit").asLong()).isEqualTo(100);
        assertThat(resources.at("/devices/0/allow").asBoolean()).isFalse();
        assertThat(resources.at("/devices/0/access").asText()).isEqualTo("rwm");
    }

    @Test
    void noSwapLimitWithoutSwapAccountingAndNoEmptyResourceObjects() {
        ContainerConfig config = podContainer().withResources(Resources.none().withMemoryLimitBytes(1 << 24));
        JsonNode resources = new OciBundle(false).spec(config).at("/linux/resources");

        assertThat(resources.at("/memory/limit").asLong()).isEqualTo(1 << 24);
        assertThat(resources.at("/memory").has("swap")).isFalse();
        assertThat(resources.has("cpu")).isFalse();
        assertThat(resources.has("pids")).isFalse();
    }

    @Test
    void masksAndProtectsProcAndSysLikeDocker() {
        JsonNode linux = bundle.spec(podContainer()).get("linux");

        assertThat(texts(linux.get("maskedPaths"))).contains("/proc/kcore", "/proc/keys", "/proc/timer_list",
                "/proc/sched_debug", "/sys/firmware", "/proc/acpi", "/proc/scsi");
        assertThat(texts(linux.get("readonlyPaths"))).containsExactlyInAnyOrder("/proc/bus", "/proc/fs", "/proc/irq",
                "/proc/sys", "/proc/sysrq-trigger");
    }

    @Test
    void defaultSeccompDeniesKernelWideCallsAndMountWithoutSysAdmin() {
        JsonNode seccomp = bundle.spec(podContainer()).at("/linux/seccomp");

        assertThat(seccomp.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(texts(seccomp.get("architectures"))).isNotEmpty();
        JsonNode rule = seccomp.at("/syscalls/0");
        assertThat(rule.get("action").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(rule.get("errnoRet").asInt()).as("EPERM").isEqualTo(1);
        assertThat(texts(rule.get("names"))).contains("kexec_load", "kexec_file_load", "open_by_handle_at",
                "init_module", "finit_module", "delete_module", "keyctl", "add_key", "request_key", "reboot", "swapon",
                "swapoff", "userfaultfd", "bpf", "perf_event_open", "acct", "settimeofday", "clock_settime",
                "pivot_root", "umount2", "mount");
    }

    @Test
    void sysAdminMayMountButStillNotKexec() {
        ContainerConfig config = podContainer();
        Set<String> caps = new java.util.HashSet<>(Capabilities.DEFAULT);
        caps.add("SYS_ADMIN");
        config = config.withProcess(config.process().withCapabilities(caps));

        List<String> denied = texts(bundle.spec(config).at("/linux/seccomp/syscalls/0/names"));

        assertThat(denied).doesNotContain("mount", "umount2", "pivot_root").contains("kexec_load", "keyctl");
        assertThat(texts(bundle.spec(config).at("/process/capabilities/bounding"))).contains("CAP_SYS_ADMIN");
    }

    @Test
    void unconfinedSeccompHasNoFilter() {
        ContainerConfig config = podContainer();
        config = config.withProcess(config.process().withSeccomp(SeccompProfile.UNCONFINED));

        assertThat(bundle.spec(config).get("linux").has("seccomp")).isFalse();
    }

    @Test
    void privilegedGetsAllCapabilitiesDevicesWritableSysAndNoFilters() {
        ContainerConfig config = podContainer();
        config = config.withProcess(config.process().withPrivileged(true));
        ObjectNode spec = bundle.spec(config);

        assertThat(texts(spec.at("/process/capabilities/effective"))).containsExactlyInAnyOrderElementsOf(Capabilities.ALL);
        assertThat(texts(spec.at("/process/capabilities/ambient"))).contains("CAP_SYS_ADMIN", "CAP_NET_ADMIN");
        JsonNode linux = spec.get("linux");
        assertThat(linux.has("seccomp")).isFalse();
        assertThat(linux.has("maskedPaths")).isFalse();
        assertThat(linux.has("readonlyPaths")).isFalse();
        assertThat(linux.at("/resources/devices/0/allow").asBoolean()).isTrue();
        assertThat(texts(mount(spec, "/sys").get("options"))).contains("rw").doesNotContain("ro");
    }

    @Test
    void standardMountsPlusOwnOnesWhichReplaceAStandardOneAtTheSamePath() {
        ContainerConfig config = podContainer();
        List<Mount> mounts = new ArrayList<>(config.mounts());
        mounts.add(Mount.bind(Path.of("/var/lib/gantry/pods/123/shm"), "/dev/shm", false));
        ObjectNode spec = bundle.spec(config.withMounts(mounts));

        List<String> destinations = StreamSupport.stream(spec.get("mounts").spliterator(), false)
                .map(m -> m.get("destination").asText()).toList();
        assertThat(destinations).containsExactly("/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
                "/data", "/dev/shm");
        assertThat(mount(spec, "/dev/shm").get("source").asText()).isEqualTo("/var/lib/gantry/pods/123/shm");
        assertThat(texts(mount(spec, "/data").get("options"))).containsExactly("rbind", "rprivate", "ro");
        assertThat(texts(mount(spec, "/sys").get("options"))).contains("ro");
        assertThat(mount(spec, "/dev").get("type").asText()).isEqualTo("tmpfs");
        assertThat(mount(spec, "/dev/mqueue").get("type").asText()).isEqualTo("mqueue");
    }

    @Test
    void directoryRootfsIsGivenByAbsolutePath() {
        ContainerConfig config = ContainerConfig.of("plain", new Rootfs.Directory(Path.of("/images/busybox/rootfs")),
                ProcessConfig.of("sh"), CgroupConfig.of("/gantry/plain"), LogPaths.in(Path.of("/logs")));

        assertThat(bundle.spec(config).at("/root/path").asText()).isEqualTo("/images/busybox/rootfs");
        assertThat(bundle.spec(config).at("/root/readonly").asBoolean()).isFalse();
    }

    @Test
    void writesConfigJsonIntoTheBundle(@TempDir Path bundleDirectory) throws Exception {
        bundle.write(podContainer(), bundleDirectory);

        JsonNode written = new ObjectMapper().readTree(Files.readString(bundleDirectory.resolve("config.json")));
        assertThat(written.toString()).isEqualTo(bundle.spec(podContainer()).toString());
        assertThat(bundleDirectory.resolve("config.json.tmp")).doesNotExist();
    }

    @Test
    void execProcessKeepsTheContainersUserAndMergesEnvironment() {
        ObjectNode spec = bundle.spec(podContainer());

        ObjectNode exec = OciBundle.execProcess(spec, List.of("sh", "-c", "env"), List.of("MODE=debug", "EXTRA=1"), "/tmp",
                false);

        assertThat(texts(exec.get("args"))).containsExactly("sh", "-c", "env");
        assertThat(texts(exec.get("env"))).containsExactly("PATH=/bin", "MODE=debug", "EXTRA=1");
        assertThat(exec.get("cwd").asText()).isEqualTo("/tmp");
        assertThat(exec.at("/user/uid").asInt()).isEqualTo(1000);
        assertThat(exec.get("capabilities")).isEqualTo(spec.at("/process/capabilities"));
        assertThat(spec.at("/process/cwd").asText()).as("the container's spec is untouched").isEqualTo("/srv");
    }

    @Test
    void aTerminalExecStartsWithTheDefaultSizeAndOtherExecsHaveNone() {
        ObjectNode spec = bundle.spec(podContainer());
        spec.with("process").putObject("consoleSize").put("height", 50).put("width", 200);

        ObjectNode onTerminal = OciBundle.execProcess(spec, List.of("sh"), List.of(), null, true);
        assertThat(onTerminal.get("terminal").asBoolean()).isTrue();
        assertThat(onTerminal.at("/consoleSize/height").asInt()).isEqualTo(OciBundle.CONSOLE_ROWS);
        assertThat(onTerminal.at("/consoleSize/width").asInt()).isEqualTo(OciBundle.CONSOLE_COLUMNS);

        ObjectNode plain = OciBundle.execProcess(spec, List.of("sh"), List.of(), null, false);
        assertThat(plain.get("terminal").asBoolean()).isFalse();
        assertThat(plain.has("consoleSize")).isFalse();
    }

    private static JsonNode namespace(JsonNode namespaces, String type) {
        for (JsonNode namespace : namespaces) {
            if (namespace.get("type").asText().equals(type)) {
                return namespace;
            }
        }
        return null;
    }

    private static JsonNode mount(JsonNode spec, String destination) {
        for (JsonNode mount : spec.get("mounts")) {
            if (mount.get("destination").asText().equals(destination)) {
                return mount;
            }
        }
        throw new AssertionError("no mount at " + destination);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
        List<T> values = new ArrayList<>();
        iterator.forEachRemaining(values::add);
        return values;
    }
}
