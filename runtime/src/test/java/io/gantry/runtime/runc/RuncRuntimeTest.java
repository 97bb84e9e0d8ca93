package io.gantry.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.ContainerRuntimeException;
import io.gantry.runtime.ContainerState;
import io.gantry.runtime.ExecRequest;
import io.gantry.runtime.Namespace;
import io.gantry.runtime.Signals;
import io.gantry.runtime.TerminalProcess;
import io.gantry.runtime.linux.ProcFiles;
import io.gantry.runtime.logs.ContainerLogReader;
import io.gantry.runtime.logs.ContainerLogs;
import io.gantry.runtime.logs.CriLogLine;
import io.gantry.runtime.logs.LogQuery;
import io.gantry.runtime.logs.LogRotation;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runtime with the real runc and busybox containers. */
class RuncRuntimeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

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
    void exitCodeAndBothStreamsReachTheCriLog() throws Exception {
        ContainerConfig config = sandbox.container("exit-three", "sh", "-c", "echo out; echo err >&2; exit 3");
        Path criLog = sandbox.base.resolve("pods/exit-three/0.log");

        assertThat(io.gantry.runtime.linux.Subreaper.isEnabled()).as("the runtime made the JVM a subreaper").isTrue();
        ContainerState.Created created = runtime.create(config);
        assertThat(ProcFiles.parentPid(created.pid())).as("the container's init is this JVM's child (subreaper)")
                .hasValue((int) ProcessHandle.current().pid());
        try (ContainerLogs logs = ContainerLogs.follow(config.log(), criLog, LogRotation.KUBELET_DEFAULT)) {
            runtime.start("exit-three");
            ContainerState.Stopped stopped = sandbox.awaitStopped("exit-three", TIMEOUT);

            assertThat(stopped.exitCode()).isEqualTo(3);
            assertThat(stopped.reason()).isEqualTo(ContainerState.Stopped.ERROR);
            assertThat(stopped.oomKilled()).isFalse();
            assertThat(stopped.startedAt()).hasValueSatisfying(started ->
                    assertThat(started).isBeforeOrEqualTo(stopped.finishedAt()));

            logs.containerStopped();
            assertThat(logs.awaitFinished(TIMEOUT)).isTrue();
        }
        List<CriLogLine> lines = Files.readAllLines(criLog).stream().map(CriLogLine::parse).toList();
        assertThat(lines).extracting(line -> line.stream().tag() + " " + (line.partial() ? "P" : "F") + " " + line.text())
                .containsExactlyInAnyOrder("stdout F out", "stderr F err");
        assertThat(ContainerLogReader.readAll(criLog, LogQuery.all())).contains("out\n", "err\n");
        assertThat(runtime.state("exit-three")).as("the exit is remembered").isEqualTo(stopped(runtime, "exit-three"));
    }

    @Test
    void aCleanExitIsCompletedAndListenersHearOfIt() {
        List<String> exited = new java.util.concurrent.CopyOnWriteArrayList<>();
        runtime.onExit(exited::add);
        runtime.create(sandbox.container("clean", "true"));
        runtime.start("clean");

        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> exited.contains("clean"));
        assertThat(sandbox.bundlesRoot.resolve("clean/exit.json")).as("recorded before listeners are told").exists();
        ContainerState.Stopped stopped = sandbox.awaitStopped("clean", TIMEOUT);

        assertThat(stopped.exitCode()).isZero();
        assertThat(stopped.reason()).isEqualTo(ContainerState.Stopped.COMPLETED);
    }

    @Test
    void readOnlyRootfsRefusesWrites() throws Exception {
        runtime.create(sandbox.container("read-only", "sh", "-c", "touch /new-file").withReadOnlyRootfs(true));
        runtime.start("read-only");

        assertThat(sandbox.awaitStopped("read-only", TIMEOUT).exitCode()).isNotZero();
        assertThat(sandbox.stderr("read-only")).contains("Read-only file system");
        assertThat(sandbox.rootfs.resolve("new-file")).doesNotExist();
    }

    @Test
    void runsAsTheGivenUserWithItsGroups() throws Exception {
        ContainerConfig config = sandbox.container("user", "sh", "-c", "id -u; id -g; id -G");
        runtime.create(config.withProcess(config.process().withUser(1000, 1000, List.of(2000))));
        runtime.start("user");

        assertThat(sandbox.awaitStopped("user", TIMEOUT).exitCode()).isZero();
        assertThat(sandbox.stdout("user").lines().toList()).containsExactly("1000", "1000", "1000 2000");
    }

    @Test
    void hostnameIsSetInAnOwnUtsNamespace() throws Exception {
        runtime.create(sandbox.container("named", "hostname").withHostname("web-7"));
        runtime.start("named");

        assertThat(sandbox.awaitStopped("named", TIMEOUT).exitCode()).isZero();
        assertThat(sandbox.stdout("named").trim()).isEqualTo("web-7");
    }

    @Test
    void execRunsACommandInTheRunningContainer() throws Exception {
        ContainerConfig config = sandbox.container("exec-target", "sleep", "30");
        runtime.create(config.withProcess(config.process().withEnv(List.of("PATH=/bin", "GREETING=hello"))));
        runtime.start("exec-target");

        Process process = runtime.exec("exec-target", new ExecRequest(
                List.of("sh", "-c", "echo hi; echo $GREETING $EXTRA; pwd; echo oops >&2; exit 3"),
                List.of("EXTRA=there"), "/tmp", false));
        process.getOutputStream().close();

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(3);
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("hi\nhello there\n/tmp\n");
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("oops\n");
        assertThat(runtime.state("exec-target")).isInstanceOf(ContainerState.Running.class);
    }

    @Test
    void anOpenStdinTakesWritersOneAfterTheOtherAndEndsWhenClosed() throws Exception {
        ContainerConfig config = sandbox.container("stdin-target", "cat").withOpenStdin(true);
        runtime.create(config);
        runtime.start("stdin-target");

        try (var first = runtime.stdin("stdin-target").orElseThrow()) {
            first.write("one\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(runtime.state("stdin-target")).as("no end of file between writers")
                .isInstanceOf(ContainerState.Running.class);
        try (var second = runtime.stdin("stdin-target").orElseThrow()) {
            second.write("two\n".getBytes(StandardCharsets.UTF_8));
        }
        runtime.closeStdin("stdin-target");

        assertThat(sandbox.awaitStopped("stdin-target", TIMEOUT).exitCode()).isZero();
        assertThat(sandbox.stdout("stdin-target")).isEqualTo("one\ntwo\n");
        ContainerConfig closed = sandbox.container("no-stdin", "cat");
        runtime.create(closed);
        assertThat(runtime.stdin("no-stdin")).isEmpty();
    }

    @Test
    void aContainerWithATerminalWritesItToItsStdoutLogAndReadsWhatIsTypedAtTheSizeGiven() throws Exception {
        ContainerConfig config = sandbox.container("tty-main", "sh", "-c",
                "tty; read a; echo typed $a; echo first $(stty size); read b; echo size $(stty size); exit 5")
                .withTerminal(true);
        runtime.create(config);
        runtime.start("tty-main");

        OutputStream typing = runtime.stdin("tty-main").orElseThrow();
        typing.write("one\n".getBytes(StandardCharsets.UTF_8));
        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> sandbox.stdout("tty-main").contains("typed one"));
        runtime.resize("tty-main", 120, 40);
        typing.write("two\n".getBytes(StandardCharsets.UTF_8));

        assertThat(sandbox.awaitStopped("tty-main", TIMEOUT).exitCode()).isEqualTo(5);
        runtime.delete("tty-main");
        assertThat(sandbox.stdout("tty-main")).contains("/dev/pts/0\r\n").contains("typed one\r\n")
                .as("the size before any resize").contains("first 24 80\r\n").contains("size 40 120\r\n");
    }

    @Test
    void execOnATerminalSeesATerminalOfTheSizeGivenAndItsChanges() throws Exception {
        ContainerConfig config = sandbox.container("tty-target", "sleep", "30");
        runtime.create(config.withProcess(config.process().withEnv(List.of("PATH=/bin"))));
        runtime.start("tty-target");

        // a line typed on the terminal, a resize, then the size again and the exit code
        Process process = runtime.exec("tty-target", new ExecRequest(List.of("sh", "-c",
                "tty; echo size $(stty size); echo term $TERM; read line; echo got $line; echo size $(stty size);"
                        + " exit 4"), List.of(), null, true));
        assertThat(process).isInstanceOf(TerminalProcess.class);
        TerminalProcess terminal = (TerminalProcess) process;
        StringBuilder seen = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = process.getInputStream()) {
                byte[] buffer = new byte[1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (seen) {
                        seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (java.io.IOException e) {
                // the assertions below say what is missing
            }
        });
        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> {
            synchronized (seen) {
                return seen.toString().contains("term ");
            }
        });
        terminal.resize(132, 43);
        process.getOutputStream().write("typed\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(process.exitValue()).isEqualTo(4);
        String output = seen.toString();
        assertThat(output).contains("/dev/pts/0").contains("size 24 80").contains("term xterm")
                .contains("got typed").contains("size 43 132")
                .as("a terminal ends lines with CR LF").contains("got typed\r\n");
        assertThat(runtime.state("tty-target")).isInstanceOf(ContainerState.Running.class);
    }

    @Test
    void stopLetsAContainerHandlingTermExitWithItsOwnCode() {
        runtime.create(sandbox.container("polite", "sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.05; done"));
        runtime.start("polite");
        awaitRunningShell("polite");

        long begin = System.nanoTime();
        ContainerState state = runtime.stop("polite", Duration.ofSeconds(5));

        assertThat(state).isInstanceOfSatisfying(ContainerState.Stopped.class, stopped -> {
            assertThat(stopped.exitCode()).isEqualTo(42);
            assertThat(stopped.reason()).isEqualTo(ContainerState.Stopped.ERROR);
        });
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void stopKillsAContainerIgnoringTermAfterTheGracePeriod() {
        runtime.create(sandbox.container("stubborn", "sh", "-c", "trap '' TERM; while true; do sleep 0.05; done"));
        runtime.start("stubborn");
        awaitRunningShell("stubborn");

        long begin = System.nanoTime();
        ContainerState state = runtime.stop("stubborn", Duration.ofMillis(700));

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(state).isInstanceOfSatisfying(ContainerState.Stopped.class, stopped -> {
            assertThat(stopped.exitCode()).isEqualTo(128 + Signals.SIGKILL);
            assertThat(stopped.reason()).isEqualTo(ContainerState.Stopped.ERROR);
        });
        assertThat(runtime.stop("stubborn", Duration.ofSeconds(1))).as("stopping again changes nothing").isEqualTo(state);
    }

    @Test
    void aNewRuntimeOverTheSameRootsReadoptsRunningContainers() {
        ContainerConfig config = sandbox.container("survivor", "sleep", "30");
        runtime.create(config);
        runtime.start("survivor");
        runtime.close(); // the agent goes away; the container keeps running

        RuncRuntime restarted = sandbox.newRuntime();

        assertThat(restarted.list()).containsExactly("survivor");
        assertThat(restarted.state("survivor")).isInstanceOf(ContainerState.Running.class);
        ContainerState stopped = restarted.stop("survivor", Duration.ofMillis(300));
        assertThat(stopped).isInstanceOf(ContainerState.Stopped.class);
        restarted.delete("survivor");
        assertThat(restarted.list()).isEmpty();
        assertThat(restarted.state("survivor")).isInstanceOf(ContainerState.Unknown.class);
        assertThat(sandbox.bundlesRoot.resolve("survivor")).doesNotExist();
    }

    @Test
    void anExitNobodyCouldObserveIsReportedAsStatusUnknown() throws Exception {
        ContainerState.Created created = runtime.create(sandbox.container("orphan", "sleep", "30"));
        runtime.start("orphan");
        runtime.close();
        // What happens when the agent process dies: the container ends while whoever inherited its init (PID 1 or
        // another subreaper) reaps it, so its exit status is gone. Here a stray reaper in this JVM plays that part.
        RuncSandbox.run(RuncSandbox.RUNC.toString(), "--root", sandbox.stateRoot.toString(), "kill", "orphan", "KILL");
        try (ChildReaperForTest thief = new ChildReaperForTest()) {
            org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> thief.reap(created.pid()));
        }

        RuncRuntime restarted = sandbox.newRuntime();
        ContainerState state = restarted.state("orphan");

        assertThat(state).isInstanceOfSatisfying(ContainerState.Stopped.class, stopped -> {
            assertThat(stopped.exitCode()).isEqualTo(137);
            assertThat(stopped.reason()).isEqualTo(ContainerState.Stopped.STATUS_UNKNOWN);
            assertThat(stopped.oomKilled()).isFalse();
        });
        assertThat(sandbox.newRuntime().state("orphan")).as("recorded for later agents too").isEqualTo(state);
    }

    /** Reaps one child of this JVM out of band. */
    private static final class ChildReaperForTest implements AutoCloseable {
        private final io.gantry.runtime.linux.ChildReaper reaper =
                new io.gantry.runtime.linux.ChildReaper(Duration.ofMillis(10), (pid, status) -> { });

        boolean reap(int pid) {
            return reaper.reapNow(pid).isPresent();
        }

        @Override
        public void close() {
            reaper.close();
        }
    }

    @Test
    void aFailedCreateSaysWhyAndLeavesNothingBehind() {
        assertThatThrownBy(() -> runtime.create(sandbox.container("broken", "/no/such/program")))
                .isInstanceOf(ContainerRuntimeException.class)
                .hasMessageContaining("broken")
                .hasMessageContaining("/no/such/program");

        assertThat(runtime.list()).isEmpty();
        assertThat(sandbox.bundlesRoot.resolve("broken")).doesNotExist();
    }

    @Test
    void deleteIsIdempotentAndRemovesTheCgroup() {
        runtime.create(sandbox.container("short-lived", "sleep", "30"));
        runtime.start("short-lived");
        assertThat(sandbox.cgroupDirectory("memory", "short-lived")).isDirectory();
        assertThatThrownBy(() -> runtime.create(sandbox.container("short-lived", "true")))
                .hasMessageContaining("already exists");

        runtime.delete("short-lived");
        runtime.delete("short-lived");
        runtime.delete("never-existed");
        assertThatThrownBy(() -> runtime.kill("never-existed", Signals.SIGTERM))
                .isInstanceOf(io.gantry.runtime.NoSuchContainerException.class);

        assertThat(runtime.list()).isEmpty();
        assertThat(sandbox.cgroupDirectory("memory", "short-lived")).doesNotExist();
        assertThat(runtime.state("short-lived")).isInstanceOf(ContainerState.Unknown.class);
    }

    @Test
    void aContainerSharingTheHostPidNamespaceIsKilledEntirely() throws Exception {
        ContainerConfig config = sandbox.container("host-pid", "sh", "-c", "sleep 30 & sleep 30 & trap '' TERM; wait");
        runtime.create(config.withNamespaces(config.namespaces().withPid(Namespace.HOST)));
        runtime.start("host-pid");
        awaitRunningShell("host-pid");

        ContainerState state = runtime.stop("host-pid", Duration.ofMillis(200));
        runtime.delete("host-pid");

        assertThat(state).isInstanceOf(ContainerState.Stopped.class);
        assertThat(zombieChildrenOfThisJvm()).as("the sleeps, orphaned to this subreaper, were reaped").isEmpty();
    }

    private static List<Integer> zombieChildrenOfThisJvm() throws java.io.IOException {
        long self = ProcessHandle.current().pid();
        List<Integer> zombies = new java.util.ArrayList<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(entry.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (fields[0].equals("Z") && Long.parseLong(fields[1]) == self) {
                        zombies.add(Integer.parseInt(entry.getFileName().toString()));
                    }
                } catch (java.io.IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return zombies;
    }

    /** Waits until the container's shell runs its loop, so a TERM trap is installed before the test signals. */
    private void awaitRunningShell(String id) {
        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> runtime.state(id) instanceof ContainerState.Running);
        try {
            Thread.sleep(150);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ContainerState stopped(RuncRuntime runtime, String id) {
        return runtime.state(id);
    }
}
