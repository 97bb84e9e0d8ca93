package io.gantry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up problems end the process with one clear line and a non-zero exit code. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    private record Outcome(int exitCode, String output) {
    }

    private Outcome gantry(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("gantry " + String.join(" ", args) + " did not exit");
        }
        return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Outcome o = gantry("server", "--data-dir", tmp.resolve("d").toString(), "--bind-address", "127.0.0.1",
                    "--port", Integer.toString(taken.getLocalPort()));
            assertThat(o.exitCode()).isNotZero();
            assertThat(lastLine(o.output())).startsWith("gantry: port " + taken.getLocalPort() + " is already in use");
        }
    }

    @Test
    void leaveRefusesWhileTheAgentRunsAndSecondAgentsOnOneDirectory() throws Exception {
        Path agentDir = tmp.resolve("agent");
        try (io.gantry.agent.node.NodeLock running = io.gantry.agent.node.NodeLock.tryAcquire(agentDir).orElseThrow()) {
            Outcome leave = gantry("leave", "--server", "https://127.0.0.1:1", "--data-dir", agentDir.toString());
            assertThat(leave.exitCode()).isNotZero();
            assertThat(lastLine(leave.output())).isEqualTo("gantry: the agent of " + agentDir + " still runs: stop it first");
            Outcome second = gantry("agent", "--server", "https://127.0.0.1:1", "--data-dir", agentDir.toString());
            assertThat(second.exitCode()).isNotZero();
            assertThat(lastLine(second.output())).startsWith("gantry: another agent runs on " + agentDir);
        }
    }

    @Test
    void dataDirNotWritable() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        Outcome o = gantry("server", "--data-dir", file.resolve("sub").toString(), "--port", "0");
        assertThat(o.exitCode()).isNotZero();
        assertThat(lastLine(o.output())).startsWith("gantry: data directory").contains("is not writable");
    }

    @Test
    void etcdUnreachable() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        Outcome o = gantry("server", "--data-dir", tmp.resolve("e").toString(), "--port", "0", "--store", "etcd",
                "--etcd-endpoints", "http://127.0.0.1:" + free);
        assertThat(o.exitCode()).isNotZero();
        assertThat(lastLine(o.output())).startsWith("gantry: etcd unreachable at http://127.0.0.1:" + free);
    }

    @Test
    void badOptions() throws Exception {
        Outcome o = gantry("server", "--data-dir", tmp.resolve("b").toString(), "--store", "mysql");
        assertThat(o.exitCode()).isNotZero();
        assertThat(lastLine(o.output())).isEqualTo("gantry: --store must be sqlite or etcd, not \"mysql\"");
        Outcome k = gantry("kubeconfig", "--data-dir", tmp.resolve("nothing").toString());
        assertThat(k.exitCode()).isNotZero();
        assertThat(lastLine(k.output())).startsWith("gantry: no cluster in");
    }

    @Test
    void badNodeHealthSettings() throws Exception {
        Outcome grace = gantry("server", "--data-dir", tmp.resolve("g").toString(), "--port", "0",
                "--node-monitor-grace-period", "soon");
        assertThat(grace.exitCode()).isNotZero();
        assertThat(lastLine(grace.output()))
                .isEqualTo("gantry: --node-monitor-grace-period must be a positive duration such as 1h or 30m, not \"soon\"");
        Outcome lease = gantry("agent", "--server", "https://127.0.0.1:1", "--data-dir", tmp.resolve("a").toString(),
                "--simulate", "1", "--node-lease-duration-seconds", "0");
        assertThat(lease.exitCode()).isNotZero();
        assertThat(lastLine(lease.output())).isEqualTo("gantry: --node-lease-duration-seconds must be positive");
    }

    @Test
    void badEvictionSettingsStopAgentAndUpBeforeAnythingStarts() throws Exception {
        Outcome agent = gantry("agent", "--server", "https://127.0.0.1:1", "--data-dir", tmp.resolve("a").toString(),
                "--eviction-hard", "memory.available<100Mi,disk.available<1Gi");
        assertThat(agent.exitCode()).isNotZero();
        assertThat(lastLine(agent.output())).startsWith(
                "gantry: --eviction-hard: unsupported eviction signal \"disk.available\" (supported: memory.available,");
        assertThat(tmp.resolve("a")).doesNotExist();
        Path upDir = tmp.resolve("up");
        Outcome up = gantry("up", "--data-dir", upDir.toString(), "--port", "0", "--eviction-hard",
                "nodefs.available<110%");
        assertThat(up.exitCode()).isNotZero();
        assertThat(lastLine(up.output())).isEqualTo("gantry: --eviction-hard: eviction threshold "
                + "\"nodefs.available<110%\": a percentage must be between 0% and 100%");
        assertThat(upDir).doesNotExist();
        Outcome period = gantry("up", "--data-dir", upDir.toString(), "--port", "0",
                "--eviction-pressure-transition-period", "5 minutes");
        assertThat(lastLine(period.output())).isEqualTo("gantry: --eviction-pressure-transition-period must be a "
                + "positive duration such as 1h or 30m, not \"5 minutes\"");
        assertThat(period.exitCode()).isNotZero();
    }

    /** The launcher at the project root refuses a malformed heap size before it builds or starts anything. */
    @Test
    void launcherRefusesAMalformedHeapSize() throws Exception {
        assertLauncherRefuses("GANTRY_HEAP", "6 GB",
                "gantry: a heap size is a number and a unit (k, m or g), e.g. 6g, not \"6 GB\"");
        assertThat(sourced("source scripts/jvm-heap.sh && heap_options 6g"))
                .isEqualTo("-Xms6g -Xmx6g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages");
    }

    /** Likewise a JIT mode it does not know; c2 turns tiered compilation off. */
    @Test
    void launcherRefusesAnUnknownJitMode() throws Exception {
        assertLauncherRefuses("GANTRY_JIT", "fast", "gantry: a JIT mode is tiered or c2, not \"fast\"");
        assertThat(sourced("source scripts/jvm-jit.sh && echo \"[$(jit_options c2)] [$(jit_options tiered)]\""))
                .isEqualTo("[-XX:-TieredCompilation] []");
    }

    /** Every process the launcher starts exits when its heap runs out, rather than running on without a thread. */
    @Test
    void launcherProcessesExitWhenTheirHeapRunsOut() throws Exception {
        assertThat(sourced("source scripts/jvm-base.sh && base_options")).isEqualTo("-XX:+ExitOnOutOfMemoryError");
        assertThat(Files.readString(projectRoot().resolve("gantry"))).contains("$(base_options) $heap $jit");
    }

    private static Path projectRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    private static void assertLauncherRefuses(String variable, String value, String message) throws Exception {
        Path launcher = projectRoot().resolve("gantry");
        assertThat(launcher).isExecutable();
        ProcessBuilder bad = new ProcessBuilder(launcher.toString(), "version").redirectErrorStream(true);
        bad.environment().put(variable, value);
        Process p = bad.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes()).strip()).isEqualTo(message);
        assertThat(p.exitValue()).isEqualTo(2);
    }

    /** What a bash script run in the project root prints. */
    private static String sourced(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).directory(projectRoot().toFile())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    @Test
    void version() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(Main.run("version")).isZero();
        } finally {
            System.setOut(previous);
        }
        assertThat(out.toString()).startsWith("gantry ");
    }
}
