package io.gantry.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerConfigTest {

    private static ContainerConfig config(String id) {
        return ContainerConfig.of(id, new Rootfs.Directory(Path.of("/rootfs")), ProcessConfig.of("sh"),
                CgroupConfig.of("/gantry/pod1/app"), LogPaths.in(Path.of("/logs")));
    }

    @Test
    void idsAreLowercaseLettersDigitsAndDashes() {
        assertThat(config("app-1").id()).isEqualTo("app-1");
        for (String bad : List.of("", "App", "a_b", "-a", "a-", "a/b", "a".repeat(129))) {
            assertThatThrownBy(() -> config(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("container id");
        }
    }

    @Test
    void aProcessNeedsACommand() {
        assertThatThrownBy(() -> ProcessConfig.of(List.of())).hasMessageContaining("args must not be empty");
        assertThatThrownBy(() -> ProcessConfig.of("sh").withEnv(List.of("NOEQUALS")))
                .hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> ProcessConfig.of("sh").withCwd("relative")).hasMessageContaining("absolute");
    }

    @Test
    void capabilitiesAcceptKubernetesSpellingAndRejectUnknownNames() {
        ProcessConfig process = ProcessConfig.of("sh").withCapabilities(Set.of("net_admin", "CAP_KILL"));

        assertThat(process.capabilities()).containsExactlyInAnyOrder("CAP_NET_ADMIN", "CAP_KILL");
        assertThatThrownBy(() -> ProcessConfig.of("sh").withCapabilities(Set.of("FLY")))
                .hasMessageContaining("unknown capability 'FLY'");
        assertThat(ProcessConfig.of("sh").withPrivileged(true).effectiveCapabilities()).hasSize(Capabilities.ALL.size());
    }

    @Test
    void aContainerAlwaysGetsItsOwnMountNamespace() {
        assertThatThrownBy(() -> new Namespaces(Namespace.NEW, Namespace.NEW, Namespace.NEW, Namespace.NEW,
                new Namespace.Join(Path.of("/proc/1/ns/mnt")), Namespace.NEW))
                .hasMessageContaining("mount namespace of its own");
        assertThatThrownBy(() -> new Namespace.Join(Path.of("relative"))).hasMessageContaining("absolute path");
    }

    @Test
    void resourcesAndCgroupPathsAreValidated() {
        assertThatThrownBy(() -> Resources.none().withMemoryLimitBytes(0)).hasMessageContaining("memoryLimitBytes");
        assertThatThrownBy(() -> Resources.none().withCpuQuota(50_000, 10)).hasMessageContaining("cpuPeriod");
        assertThatThrownBy(() -> CgroupConfig.of("relative/path")).hasMessageContaining("cgroupsPath");
        assertThatThrownBy(() -> CgroupConfig.of("/gantry/../escape")).hasMessageContaining("cgroupsPath");
        assertThatThrownBy(() -> config("x").withOomScoreAdj(1001)).hasMessageContaining("oomScoreAdj");
    }

    @Test
    void stdoutAndStderrNeedSeparateFiles() {
        assertThatThrownBy(() -> new LogPaths(Path.of("/l/out"), Path.of("/l/../l/out")))
                .hasMessageContaining("separate files");
    }

    @Test
    void reasonsFollowKubernetes() {
        assertThat(ContainerState.Stopped.reasonFor(0, false)).isEqualTo("Completed");
        assertThat(ContainerState.Stopped.reasonFor(3, false)).isEqualTo("Error");
        assertThat(ContainerState.Stopped.reasonFor(137, true)).isEqualTo("OOMKilled");
    }

    @Test
    void signalsParseImageStopSignals() {
        assertThat(Signals.parse("SIGTERM")).isEqualTo(15);
        assertThat(Signals.parse("quit")).isEqualTo(3);
        assertThat(Signals.parse("9")).isEqualTo(9);
        assertThatThrownBy(() -> Signals.parse("SIGNOPE")).hasMessageContaining("unknown signal");
    }
}
