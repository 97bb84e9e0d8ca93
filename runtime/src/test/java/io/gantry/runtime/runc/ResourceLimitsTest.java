package io.gantry.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.ContainerState;
import io.gantry.runtime.Resources;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cgroup limits as the kernel sees them (cgroup v1 controllers on this host). */
class ResourceLimitsTest {

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
    void aContainerOverItsMemoryLimitIsOomKilled() throws Exception {
        // The shell collects 64 MiB of output in a variable: four times the limit.
        ContainerConfig config = sandbox.container("hungry", "sh", "-c", "x=$(yes | head -c 67108864); echo survived")
                .withResources(Resources.none().withMemoryLimitBytes(16L << 20));
        runtime.create(config);
        runtime.start("hungry");

        ContainerState.Stopped stopped = sandbox.awaitStopped("hungry", Duration.ofSeconds(20));

        assertThat(stopped.oomKilled()).isTrue();
        assertThat(stopped.reason()).isEqualTo(ContainerState.Stopped.OOM_KILLED);
        assertThat(stopped.exitCode()).isEqualTo(137);
        assertThat(sandbox.stdout("hungry")).doesNotContain("survived");
    }

    @Test
    void cpuAndPidsLimitsAreInTheContainersCgroup() throws Exception {
        ContainerConfig config = sandbox.container("limited", "sleep", "30")
                .withResources(Resources.none().withCpuQuota(50_000, 100_000).withCpuShares(512).withPidsLimit(64)
                        .withMemoryLimitBytes(64L << 20));
        runtime.create(config);
        runtime.start("limited");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> runtime.state("limited") instanceof ContainerState.Running);

        assertThat(read("cpu", "cpu.cfs_quota_us")).isEqualTo("50000");
        assertThat(read("cpu", "cpu.cfs_period_us")).isEqualTo("100000");
        assertThat(read("cpu", "cpu.shares")).isEqualTo("512");
        assertThat(read("pids", "pids.max")).isEqualTo("64");
        assertThat(read("memory", "memory.limit_in_bytes")).isEqualTo(Long.toString(64L << 20));
        int pid = ((ContainerState.Running) runtime.state("limited")).pid();
        assertThat(read("pids", "cgroup.procs").lines()).contains(Integer.toString(pid));
    }

    @Test
    void thePidsLimitStopsForking() throws Exception {
        // runc's init is a Go program that runs inside the container's cgroup until it execs the shell, and it
        // aborts when it cannot start a thread: a limit below its thread count fails the start, not the fork.
        ContainerConfig config = sandbox.container("forky", "sh", "-c",
                        "i=0; while [ $i -lt 32 ]; do sleep 5 & i=$((i+1)); done; echo forked")
                .withResources(Resources.none().withPidsLimit(16));
        runtime.create(config);
        runtime.start("forky");

        sandbox.awaitStopped("forky", Duration.ofSeconds(10));

        assertThat(sandbox.stderr("forky")).containsIgnoringCase("can't fork");
    }

    private String read(String controller, String file) throws Exception {
        return Files.readString(sandbox.cgroupDirectory(controller, "limited").resolve(file)).trim();
    }
}
