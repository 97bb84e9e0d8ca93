package io.gantry.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.runtime.CgroupConfig;
import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.ContainerRuntimeException;
import io.gantry.runtime.ContainerState;
import io.gantry.runtime.ProcessConfig;
import io.gantry.runtime.Rootfs;
import io.gantry.runtime.linux.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Overlay root filesystems mounted by the runtime with mount(2). */
class OverlayRootfsTest {

    private RuncSandbox sandbox;
    private RuncRuntime runtime;

    @BeforeEach
    void setUp() throws Exception {
        sandbox = RuncSandbox.create();
        runtime = sandbox.runtime;
    }

    @AfterEach
    void tearDown() throws Exception {
        sandbox.close();
    }

    @Test
    void filesOfBothLowerDirsAreVisibleAndWritesLandInTheUpperDir() throws Exception {
        Path base = RuncSandbox.busyboxRootfs(sandbox.base.resolve("layers/base"));
        Files.writeString(base.resolve("base.txt"), "from base\n");
        Files.writeString(base.resolve("shared.txt"), "shared from base\n");
        Path top = Files.createDirectories(sandbox.base.resolve("layers/top"));
        Files.writeString(top.resolve("top.txt"), "from top\n");
        Files.writeString(top.resolve("shared.txt"), "shared from top\n");
        Path upper = sandbox.base.resolve("containers/layered/upper");
        Path work = sandbox.base.resolve("containers/layered/work");
        ContainerConfig config = ContainerConfig.of("layered", new Rootfs.Overlay(List.of(top, base), upper, work),
                ProcessConfig.of("sh", "-c", "cat /base.txt /top.txt /shared.txt; echo written > /new.txt; rm /base.txt"),
                CgroupConfig.of(sandbox.cgroupParent + "/layered"), sandbox.logPaths("layered"));

        runtime.create(config);
        Path mountPoint = sandbox.bundlesRoot.resolve("layered/rootfs");
        assertThat(MountTable.isMountPoint(mountPoint)).as("overlay mounted before the container is created").isTrue();
        runtime.start("layered");
        ContainerState.Stopped stopped = sandbox.awaitStopped("layered", Duration.ofSeconds(10));

        assertThat(stopped.exitCode()).as(sandbox.stderr("layered")).isZero();
        assertThat(sandbox.stdout("layered")).isEqualTo("from base\nfrom top\nshared from top\n");
        assertThat(upper.resolve("new.txt")).hasContent("written");
        assertThat(base.resolve("new.txt")).doesNotExist();
        assertThat(top.resolve("new.txt")).doesNotExist();
        assertThat(base.resolve("base.txt")).as("deleting in the container leaves the layer alone").exists();

        runtime.delete("layered");

        assertThat(MountTable.isMountPoint(mountPoint)).isFalse();
        assertThat(sandbox.bundlesRoot.resolve("layered")).doesNotExist();
        assertThat(upper.resolve("new.txt")).as("the upper dir is the agent's to remove").exists();
        assertThat(base.resolve("bin/busybox")).exists();
    }

    @Test
    void tooManyLayersForOneMountCallFailClearlyAndLeaveNothingBehind() throws Exception {
        List<Path> layers = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            layers.add(Files.createDirectories(sandbox.base.resolve("layers/a-rather-long-layer-directory-name-" + i)));
        }
        ContainerConfig config = ContainerConfig.of("many-layers",
                new Rootfs.Overlay(layers, sandbox.base.resolve("upper"), sandbox.base.resolve("work")),
                ProcessConfig.of("true"), CgroupConfig.of(sandbox.cgroupParent + "/many-layers"),
                sandbox.logPaths("many-layers"));

        assertThatThrownBy(() -> runtime.create(config))
                .isInstanceOf(ContainerRuntimeException.class)
                .hasMessageContaining("80 lower directories")
                .hasMessageContaining("one page");
        assertThat(sandbox.bundlesRoot.resolve("many-layers")).doesNotExist();
        assertThat(MountTable.mountPointsUnder(sandbox.base)).isEmpty();
    }
}
