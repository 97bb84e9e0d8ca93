package io.gantry.network.ns;

import static io.gantry.network.testing.HostCommands.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.network.testing.HostCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real namespaces and bind mounts (needs root and util-linux). */
class PodNamespacesTest {

    private Path root;
    private PodNamespaces namespaces;

    @BeforeEach
    void setUp() throws Exception {
        HostCommands.requireTools();
        root = Files.createTempDirectory("gantry-ns-test-");
        namespaces = new PodNamespaces(root, PodNamespaces.DEFAULT_TIMEOUT);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (String pod : namespaces.listPods()) {
                namespaces.remove(pod);
            }
        } finally {
            namespaces.releaseRoot();
            Files.deleteIfExists(root);
        }
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(root.toString());
    }

    @Test
    void createsNamespacesThatOutliveTheCreatingProcess() throws Exception {
        PodNamespacePaths paths = namespaces.create("pod-1", "web-0");

        assertThat(namespaces.exists("pod-1")).isTrue();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
                .contains(paths.net() + " rw - nsfs", paths.ipc() + " rw - nsfs", paths.uts() + " rw - nsfs");
        assertThat(ok("nsenter", "--uts=" + paths.uts(), "/bin/busybox", "hostname").strip()).isEqualTo("web-0");
        assertThat(ok("hostname").strip()).as("the host's own hostname").isNotEqualTo("web-0");
        assertThat(ok("nsenter", "--net=" + paths.net(), "ip", "-o", "link", "show", "lo"))
                .contains("<LOOPBACK,UP,LOWER_UP>");
        assertThat(ok("nsenter", "--net=" + paths.net(), "readlink", "/proc/self/ns/net"))
                .isNotEqualTo(ok("readlink", "/proc/self/ns/net"));
        assertThat(ok("nsenter", "--ipc=" + paths.ipc(), "readlink", "/proc/self/ns/ipc"))
                .isNotEqualTo(ok("readlink", "/proc/self/ns/ipc"));
        assertThat(namespaces.listPods()).containsExactly("pod-1");
    }

    @Test
    void createIsIdempotentForACompletePod() throws Exception {
        PodNamespacePaths first = namespaces.create("pod-1", "one");
        String netns = ok("nsenter", "--net=" + first.net(), "readlink", "/proc/self/ns/net");

        PodNamespacePaths second = namespaces.create("pod-1", "one");

        assertThat(second).isEqualTo(first);
        assertThat(ok("nsenter", "--net=" + second.net(), "readlink", "/proc/self/ns/net")).isEqualTo(netns);
    }

    @Test
    void removeIsIdempotent() throws Exception {
        PodNamespacePaths paths = namespaces.create("pod-1", "one");

        namespaces.remove("pod-1");
        namespaces.remove("pod-1");
        namespaces.remove("never-created");

        assertThat(namespaces.exists("pod-1")).isFalse();
        assertThat(paths.all()).allSatisfy(file -> assertThat(file).doesNotExist());
        assertThat(root.resolve("pod-1")).doesNotExist();
        assertThat(namespaces.listPods()).isEmpty();
    }

    @Test
    void leftoversOfAnInterruptedCreateAreListedAndReplaced() throws Exception {
        Path half = Files.createDirectories(root.resolve("pod-1"));
        Files.createFile(half.resolve("net"));

        assertThat(namespaces.exists("pod-1")).isFalse();
        assertThat(namespaces.mountedNetworkNamespace("pod-1")).isEmpty();
        assertThat(namespaces.listPods()).containsExactly("pod-1");

        namespaces.create("pod-1", "fresh");

        assertThat(namespaces.exists("pod-1")).isTrue();
        assertThat(namespaces.mountedNetworkNamespace("pod-1")).contains(half.resolve("net"));
    }

    @Test
    void theRootBecomesAPrivateMount() throws Exception {
        namespaces.create("pod-1", "one");

        MountTable.Mount rootMount = MountTable.ofThisProcess().mounts().stream()
                .filter(mount -> mount.mountPoint().equals(root)).reduce((a, b) -> b).orElseThrow();
        assertThat(rootMount.shared()).isFalse();
        assertThatThrownBy(namespaces::releaseRoot).hasMessageContaining("pod-1");
    }

    @Test
    void rejectsIdsAndHostnamesThatCouldEscape() {
        assertThatThrownBy(() -> namespaces.create("../etc", "x")).hasMessageContaining("invalid pod id");
        assertThatThrownBy(() -> namespaces.create("pod-1", "x; reboot")).hasMessageContaining("invalid hostname");
        assertThatThrownBy(() -> namespaces.create("pod-1", "a".repeat(65))).hasMessageContaining("invalid hostname");
        assertThat(root.resolve("pod-1")).doesNotExist();
    }
}
