package io.gantry.runtime.runc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.runtime.ChunkOutputStream;
import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.ContainerRuntime;
import io.gantry.runtime.ContainerRuntimeException;
import io.gantry.runtime.ContainerState;
import io.gantry.runtime.ExecRequest;
import io.gantry.runtime.NoSuchContainerException;
import io.gantry.runtime.Rootfs;
import io.gantry.runtime.Signals;
import io.gantry.runtime.TerminalProcess;
import io.gantry.runtime.linux.CgroupFiles;
import io.gantry.runtime.linux.ChildReaper;
import io.gantry.runtime.linux.ConsoleSocket;
import io.gantry.runtime.linux.ExitStatus;
import io.gantry.runtime.linux.Fifo;
import io.gantry.runtime.linux.OverlayMount;
import io.gantry.runtime.linux.ProcFiles;
import io.gantry.runtime.linux.Subreaper;
import io.gantry.runtime.oci.OciBundle;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ContainerRuntime} driving runc (or a runc-compatible binary such as crun, chosen by path).
 *
 * <p>Containers are detached: {@code runc create} gets the container's stdout and stderr files (opened in append
 * mode) and /dev/null as stdin, and exits once the container is created. Nothing ties a container to this process, so
 * an agent restart neither kills nor blocks it.
 *
 * <p>runc does not keep a detached container's exit status, so this runtime makes the JVM a <b>child subreaper</b>
 * ({@code prctl(PR_SET_CHILD_SUBREAPER)}): container init processes orphaned by {@code runc create} become the JVM's
 * children, and a {@link ChildReaper} collects their exit status with {@code waitpid} on exactly those pids. The
 * setting applies to the whole JVM process, is made once in the constructor (repeating it is harmless) and is never
 * undone. Each exit is recorded, with the cgroup's OOM kill count read before the cgroup goes, in the container's
 * bundle directory, so {@link #state(String)} answers after an agent restart too. A container that ended while its
 * init was an earlier agent's child (nobody could reap it) reports exit code 137 with reason
 * {@code ContainerStatusUnknown}, as Kubernetes does.
 *
 * <p>Processes of a container in the host's PID namespace ({@code hostPID}) that outlive their parent are re-parented
 * to the JVM too; the runtime reaps those it kills in {@link #stop} and {@link #delete}. Orphans that exit on their
 * own while such a container runs stay zombies of the JVM.
 */
public final class RuncRuntime implements ContainerRuntime {

    /** Debian's and Ubuntu's runc. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/sbin/runc");
    /** runc's state ({@code --root}); on tmpfs, as containers do not survive a reboot either. */
    public static final Path DEFAULT_STATE_ROOT = Path.of("/run/gantry/runc");
    /** Bundle directories, one per container. */
    public static final Path DEFAULT_BUNDLES_ROOT = Path.of("/run/gantry/bundles");

    private static final Logger log = LoggerFactory.getLogger(RuncRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REAPER_POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration STOP_POLL_INTERVAL = Duration.ofMillis(20);
    /** How long a SIGKILLed container may take to disappear before stop gives up. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOCK_STRIPES = 64;
    /** A terminal's size until the client tells its own (kubectl does so at once). */

    private final Path bundlesRoot;
    private final RuncCommand runc;
    private final OciBundle ociBundle;
    private final CgroupFiles cgroups;
    private final Clock clock;
    private final ChildReaper reaper;
    /** Container init pids this process can reap, and whose container they are. */
    private final Map<Integer, String> reapableInits = new ConcurrentHashMap<>();
    private final List<Consumer<String>> exitListeners = new CopyOnWriteArrayList<>();
    /** Read-write handles on the stdin FIFOs of containers created with openStdin, by container id. */
    private final Map<String, RandomAccessFile> stdinHolders = new ConcurrentHashMap<>();
    /** The terminals of containers this process created with one, by container id. */
    private final Map<String, ContainerTerminal> terminals = new ConcurrentHashMap<>();
    /** Operations on one container are serialized; striped so the lock table stays bounded. */
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    /**
     * A runtime over {@code stateRoot} and {@code bundlesRoot} (created if missing). Containers already there, from an
     * earlier instance or agent process, are re-adopted.
     *
     * <p>Makes the JVM a child subreaper (process-wide, idempotent; see the class comment).
     *
     * @param runtimeBinary runc, or a compatible binary such as crun
     * @param stateRoot     the runtime's {@code --root}
     * @param bundlesRoot   where bundle directories go
     */
    public RuncRuntime(Path runtimeBinary, Path stateRoot, Path bundlesRoot) {
        this(runtimeBinary, stateRoot, bundlesRoot, CgroupFiles.standard(), Clock.systemUTC());
    }

    /** As {@link #RuncRuntime(Path, Path, Path)}, with the cgroup mount root and clock given. */
    public RuncRuntime(Path runtimeBinary, Path stateRoot, Path bundlesRoot, CgroupFiles cgroups, Clock clock) {
        if (!Files.isRegularFile(runtimeBinary) || !Files.isExecutable(runtimeBinary)) {
            throw new ContainerRuntimeException("OCI runtime binary " + runtimeBinary + " does not exist or is not executable "
                    + "(install runc, e.g. apt-get install runc, or give the path of another runtime)");
        }
        try {
            Files.createDirectories(stateRoot);
            Files.createDirectories(bundlesRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the runtime's directories " + stateRoot + ", " + bundlesRoot, e);
        }
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        this.bundlesRoot = bundlesRoot.toAbsolutePath();
        this.runc = new RuncCommand(runtimeBinary.toAbsolutePath(), stateRoot.toAbsolutePath());
        this.cgroups = cgroups;
        this.clock = clock;
        this.ociBundle = new OciBundle(cgroups.swapLimitSupported());
        Subreaper.enable();
        this.reaper = new ChildReaper(REAPER_POLL_INTERVAL, this::onInitExited);
        adoptExistingContainers();
    }

    /** Tracks the init processes of existing containers that are this process' children (whose exit we can reap). */
    private void adoptExistingContainers() {
        for (RuncState state : runcList()) {
            if ((state.isCreated() || state.isRunning()) && state.pid() > 0) {
                adoptIfChild(state.id(), state.pid());
            }
        }
    }

    private void adoptIfChild(String id, int pid) {
        if (!reapableInits.containsKey(pid) && ProcFiles.isChildOfThisProcess(pid)) {
            reapableInits.put(pid, id);
            reaper.track(pid);
        }
    }

    // ---- create / start ---------------------------------------------------------------------------------------

    @Override
    public ContainerState.Created create(ContainerConfig config) {
        String id = config.id();
        return locked(id, () -> {
            BundleFiles bundle = bundle(id);
            if (bundle.exists() || runc.hasState(id)) {
                throw new ContainerRuntimeException("container '" + id + "' already exists; delete it first");
            }
            try {
                Files.createDirectories(bundle.directory());
                bundle.writeMetadata(new BundleFiles.Metadata(config.cgroup().cgroupsPath(),
                        config.rootfs() instanceof Rootfs.Overlay, config.namespaces().ownPidNamespace()));
                prepareRootfs(config.rootfs(), bundle);
                ociBundle.write(config, bundle.directory());
                int pid = runcCreate(config, bundle);
                reapableInits.put(pid, id);
                reaper.track(pid);
                return new ContainerState.Created(pid);
            } catch (IOException | RuntimeException e) {
                removeQuietly(id, bundle);
                if (e instanceof ContainerRuntimeException runtimeException) {
                    throw runtimeException;
                }
                throw new ContainerRuntimeException("creating container '" + id + "' failed: " + e.getMessage(), e);
            }
        });
    }

    private static void prepareRootfs(Rootfs rootfs, BundleFiles bundle) throws IOException {
        switch (rootfs) {
            case Rootfs.Overlay overlay -> {
                Files.createDirectories(bundle.rootfs());
                OverlayMount.mount(overlay.lowerDirs(), overlay.upperDir(), overlay.workDir(), bundle.rootfs());
            }
            case Rootfs.Directory directory -> {
                if (!Files.isDirectory(directory.path())) {
                    throw new ContainerRuntimeException("root filesystem directory " + directory.path() + " does not exist");
                }
            }
        }
    }

    /** {@code runc create} with the container's stdio connected to its log files; returns the init's pid. */
    private int runcCreate(ContainerConfig config, BundleFiles bundle) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--log", bundle.runcLog().toString(), "--log-format", "json",
                "create", "--bundle", bundle.directory().toString(), "--pid-file", bundle.pidFile().toString()));
        ConsoleSocket console = null;
        if (config.terminal()) {
            console = ConsoleSocket.listen();
            arguments.addAll(List.of("--console-socket", console.address()));
        }
        arguments.add(config.id());
        try {
            int pid = runcCreate(config, bundle, runc.commandLine(arguments));
            if (console != null) {
                terminals.put(config.id(), new ContainerTerminal(config.id(), console.receiveTerminal(),
                        config.log().stdout()));
            }
            return pid;
        } finally {
            if (console != null) {
                console.close();
            }
        }
    }

    private int runcCreate(ContainerConfig config, BundleFiles bundle, List<String> command) throws IOException {
        File stdout = appendTarget(config.log().stdout());
        File stderr = appendTarget(config.log().stderr());
        File stdin = new File("/dev/null");
        // on a terminal, the terminal is the input
        if (config.openStdin() && !config.terminal()) {
            stdin = openStdinPipe(config.id(), bundle).toFile();
        }
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(stdin))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr))
                .start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ContainerRuntimeException("'" + runc.binary() + " create' of container '" + config.id()
                        + "' did not finish within " + COMMAND_TIMEOUT);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ContainerRuntimeException("interrupted while creating container '" + config.id() + "'", e);
        }
        if (process.exitValue() != 0) {
            throw new ContainerRuntimeException("creating container '" + config.id() + "' failed: " + runcLogMessage(bundle));
        }
        OptionalInt pid = bundle.readPid();
        if (pid.isEmpty()) {
            throw new ContainerRuntimeException(runc.binary() + " created container '" + config.id()
                    + "' but wrote no pid file " + bundle.pidFile());
        }
        return pid.getAsInt();
    }

    /**
     * Makes the container's stdin FIFO and holds it open for reading and writing: so that opening it for the
     * container does not wait for a writer, and the container does not read end of file between two writers.
     */
    private Path openStdinPipe(String id, BundleFiles bundle) throws IOException {
        Path fifo = bundle.stdinPipe();
        Files.deleteIfExists(fifo);
        Fifo.make(fifo);
        stdinHolders.put(id, new RandomAccessFile(fifo.toFile(), "rw"));
        return fifo;
    }

    @Override
    public Optional<OutputStream> stdin(String id) {
        ContainerConfig.requireValidId(id);
        ContainerTerminal terminal = terminals.get(id);
        if (terminal != null) {
            return Optional.of(terminal.input());
        }
        return locked(id, () -> {
            RandomAccessFile holder = stdinHolders.get(id);
            Path fifo = bundle(id).stdinPipe();
            if (holder == null && Files.exists(fifo)) {
                // a container an earlier agent process created: hold its pipe from now on
                try {
                    holder = new RandomAccessFile(fifo.toFile(), "rw");
                    stdinHolders.put(id, holder);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the stdin of container '" + id + "'", e);
                }
            }
            if (holder == null) {
                return Optional.<OutputStream>empty();
            }
            return Optional.<OutputStream>of(new ChunkOutputStream(holder::write));
        });
    }

    @Override
    public void resize(String id, int columns, int rows) throws IOException {
        ContainerTerminal terminal = terminals.get(id);
        if (terminal == null) {
            throw new IOException("container '" + id + "' has no terminal here (none, or made by an earlier process)");
        }
        terminal.resize(columns, rows);
    }

    @Override
    public void closeStdin(String id) {
        ContainerConfig.requireValidId(id);
        if (terminals.containsKey(id)) {
            return; // a terminal has no end of input: what is typed there (^D) decides
        }
        locked(id, () -> {
            releaseStdin(id);
            try {
                // without the FIFO a later agent process cannot open a writer that would keep stdin from ending
                Files.deleteIfExists(bundle(id).stdinPipe());
            } catch (IOException e) {
                log.debug("removing the stdin pipe of {}: {}", id, e.toString());
            }
            return null;
        });
    }

    /** Closes this process' handle on the container's stdin FIFO, if it has one. */
    private void releaseStdin(String id) {
        RandomAccessFile holder = stdinHolders.remove(id);
        if (holder != null) {
            try {
                holder.close();
            } catch (IOException e) {
                log.debug("closing the stdin of {}: {}", id, e.toString());
            }
        }
    }

    private static File appendTarget(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return file.toFile();
    }

    private static String runcLogMessage(BundleFiles bundle) {
        try {
            return RuncCommand.errorMessage(Files.readString(bundle.runcLog(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "(no runc log at " + bundle.runcLog() + ")";
        }
    }

    @Override
    public void start(String id) {
        locked(id, () -> {
            Instant startedAt = clock.instant();
            RuncCommand.Result result = runc.run(COMMAND_TIMEOUT, "start", id);
            if (!result.ok()) {
                throw failure("starting", id, result);
            }
            bundle(id).writeStartedAt(startedAt);
            return null;
        });
    }

    // ---- signals and stopping --------------------------------------------------------------------------------

    @Override
    public void kill(String id, int signal) {
        locked(id, () -> {
            RuncCommand.Result result = runcKill(id, signal, false);
            if (!result.ok()) {
                throw failure("signalling", id, result);
            }
            return null;
        });
    }

    private RuncCommand.Result runcKill(String id, int signal, boolean allProcesses) {
        return allProcesses
                ? runc.run(COMMAND_TIMEOUT, "kill", "--all", id, Integer.toString(signal))
                : runc.run(COMMAND_TIMEOUT, "kill", id, Integer.toString(signal));
    }

    @Override
    public ContainerState stop(String id, Duration grace) {
        ContainerState current = state(id);
        int pid;
        switch (current) {
            case ContainerState.Stopped stopped -> {
                return stopped;
            }
            case ContainerState.Unknown unknown -> throw new NoSuchContainerException(id);
            case ContainerState.Created created -> {
                // Its init is runc's, waiting to exec the process: there is nothing to terminate gracefully.
                pid = created.pid();
                killQuietly(id, Signals.SIGKILL);
                awaitExit(pid, KILL_TIMEOUT);
                return state(id);
            }
            case ContainerState.Running running -> pid = running.pid();
        }
        killQuietly(id, Signals.SIGTERM);
        if (awaitExit(pid, grace)) {
            return state(id);
        }
        log.info("container {} did not stop within {} of SIGTERM; sending SIGKILL", id, grace);
        List<ContainerProcess> hostPidProcesses = hostPidNamespaceProcesses(id);
        killQuietly(id, Signals.SIGKILL);
        if (!awaitExit(pid, KILL_TIMEOUT)) {
            throw new ContainerRuntimeException("container '" + id + "' (pid " + pid + ") still runs " + KILL_TIMEOUT
                    + " after SIGKILL (a process in uninterruptible sleep, e.g. on a hung NFS mount?)");
        }
        reapOrphans(hostPidProcesses);
        return state(id);
    }

    /** A signal that may find the container already gone; for SIGKILL with a shared PID namespace, to all processes. */
    private void killQuietly(String id, int signal) {
        locked(id, () -> {
            // Killing the init of its own PID namespace kills every process in it; in a shared one the others live on.
            boolean allProcesses = signal == Signals.SIGKILL
                    && !bundle(id).readMetadata().map(BundleFiles.Metadata::ownPidNamespace).orElse(true);
            RuncCommand.Result result = runcKill(id, signal, allProcesses);
            if (!result.ok()) {
                log.debug("signal {} to container {}: {}", signal, id, result.error());
            }
            return null;
        });
    }

    /**
     * Waits, polling /proc (cheaper than asking runc), until {@code pid} has exited; a zombie counts as exited.
     *
     * @return whether it exited within {@code timeout}
     */
    private static boolean awaitExit(int pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (hasExited(pid)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(STOP_POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return hasExited(pid);
            }
        }
    }

    private static boolean hasExited(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"), StandardCharsets.UTF_8);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true; // no /proc entry: gone
        }
    }

    // ---- delete ----------------------------------------------------------------------------------------------

    @Override
    public void delete(String id) {
        ContainerConfig.requireValidId(id);
        locked(id, () -> {
            BundleFiles bundle = bundle(id);
            List<ContainerProcess> hostPidProcesses = hostPidNamespaceProcesses(id);
            ContainerTerminal terminal = terminals.remove(id);
            releaseStdin(id);
            RuncCommand.Result result = runc.run(COMMAND_TIMEOUT, "delete", "--force", id);
            if (!result.ok() && runcState(id).isPresent()) {
                throw failure("deleting", id, result);
            }
            if (terminal != null) {
                terminal.awaitEnd();
            }
            if (bundle.exists()) {
                bundle.readPid().ifPresent(this::reapAfterDelete);
            }
            reapOrphans(hostPidProcesses);
            OverlayMount.unmount(bundle.rootfs());
            DirectoryTrees.deleteTree(bundle.directory());
            return null;
        });
    }

    /** Collects the killed init, so it does not linger as a zombie of this process. */
    private void reapAfterDelete(int pid) {
        if (pid <= 0 || !reapableInits.containsKey(pid)) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (reaper.reapNow(pid).isEmpty() && reaper.isTracked(pid) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(STOP_POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        reaper.untrack(pid);
        reapableInits.remove(pid);
    }

    /** A process, identified across pid reuse by its start time. */
    private record ContainerProcess(int pid, long startTime) {}

    /**
     * The processes of a container sharing the host's PID namespace, taken before they are killed. When a process
     * there outlives its parent it is re-parented to this subreaper (in a PID namespace of its own it would go to the
     * container's init), and nobody else will ever reap it.
     */
    private List<ContainerProcess> hostPidNamespaceProcesses(String id) {
        Optional<BundleFiles.Metadata> metadata = bundle(id).readMetadata();
        if (metadata.isEmpty() || metadata.get().ownPidNamespace()) {
            return List.of();
        }
        List<ContainerProcess> processes = new ArrayList<>();
        for (int pid : cgroups.processes(metadata.get().cgroupsPath())) {
            ProcFiles.startTime(pid).ifPresent(start -> processes.add(new ContainerProcess(pid, start)));
        }
        return processes;
    }

    /**
     * Reaps those of {@code processes} (killed a moment ago) that ended as zombie children of this process; waits a
     * second at most. Init processes are left to the reaper, which records their exit.
     */
    private void reapOrphans(List<ContainerProcess> processes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        for (ContainerProcess process : processes) {
            while (!reapableInits.containsKey(process.pid())) {
                OptionalLong startTime = ProcFiles.startTime(process.pid());
                if (startTime.isEmpty() || startTime.getAsLong() != process.startTime()) {
                    break; // reaped by its parent; the pid may even be reused
                }
                if (hasExited(process.pid()) && ProcFiles.isChildOfThisProcess(process.pid())) {
                    reaper.reapNow(process.pid());
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
                try {
                    Thread.sleep(STOP_POLL_INTERVAL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Best-effort removal after a failed create; the original failure is what the caller hears about. */
    private void removeQuietly(String id, BundleFiles bundle) {
        try {
            runc.run(COMMAND_TIMEOUT, "delete", "--force", id);
            bundle.readPid().ifPresent(this::reapAfterDelete);
            OverlayMount.unmount(bundle.rootfs());
            DirectoryTrees.deleteTree(bundle.directory());
        } catch (RuntimeException e) {
            log.warn("cleaning up after the failed creation of container {} failed: {}", id, e.getMessage());
        }
    }

    // ---- state -----------------------------------------------------------------------------------------------

    @Override
    public ContainerState state(String id) {
        ContainerConfig.requireValidId(id);
        boolean[] exitRecorded = {false};
        ContainerState answer = locked(id, () -> {
            BundleFiles bundle = bundle(id);
            Optional<BundleFiles.ExitRecord> recorded = bundle.exists() ? bundle.readExit() : Optional.empty();
            if (recorded.isPresent()) {
                return stopped(recorded.get(), bundle);
            }
            Optional<ContainerState> known = stateOfOwnChild(id, bundle);
            if (known.isPresent()) {
                return known.get();
            }
            Optional<RuncState> reported = runcState(id);
            if (reported.isEmpty()) {
                return new ContainerState.Unknown(bundle.exists()
                        ? "the OCI runtime has no state for container '" + id + "' but its bundle " + bundle.directory()
                                + " exists (an interrupted create or delete); delete it"
                        : "no container '" + id + "'");
            }
            RuncState runcState = reported.get();
            if (runcState.isCreated()) {
                adoptIfChild(id, runcState.pid());
                return new ContainerState.Created(runcState.pid());
            }
            if (runcState.isRunning()) {
                adoptIfChild(id, runcState.pid());
                return new ContainerState.Running(runcState.pid(), bundle.readStartedAt().orElseGet(() -> created(runcState)));
            }
            if (!bundle.exists()) {
                return new ContainerState.Unknown("container '" + id + "' has stopped but its bundle "
                        + bundle.directory() + " is gone");
            }
            // runc reports pid 0 for a stopped container; the pid file it wrote at create names the init.
            BundleFiles.ExitRecord record = recordExit(id, bundle.readPid().orElse(0), bundle);
            exitRecorded[0] = true;
            return stopped(record, bundle);
        });
        if (exitRecorded[0]) {
            notifyExit(id);
        }
        return answer;
    }

    /**
     * The state of a live container whose init is this process' child, without asking runc: while that init runs,
     * the container is created, or running once {@link #start} recorded its start. Asking runc costs a process
     * per container per query, which a node with many pods feels. An init that exited (a zombie not reaped yet)
     * takes the usual way, which reaps it and records the exit.
     */
    private Optional<ContainerState> stateOfOwnChild(String id, BundleFiles bundle) {
        OptionalInt pid = bundle.readPid();
        if (pid.isEmpty() || !id.equals(reapableInits.get(pid.getAsInt())) || hasExited(pid.getAsInt())) {
            return Optional.empty();
        }
        Optional<Instant> startedAt = bundle.readStartedAt();
        return Optional.of(startedAt.isPresent()
                ? new ContainerState.Running(pid.getAsInt(), startedAt.get())
                : new ContainerState.Created(pid.getAsInt()));
    }

    /** The exit of a container runc reports stopped: reaped now if this process can, else recorded as unknown. */
    private BundleFiles.ExitRecord recordExit(String id, int pid, BundleFiles bundle) {
        Optional<ExitStatus> status = reapStopped(pid);
        String cgroupsPath = bundle.readMetadata().map(BundleFiles.Metadata::cgroupsPath).orElse(null);
        boolean oomKilled = cgroupsPath != null && cgroups.oomKillCount(cgroupsPath) > 0;
        BundleFiles.ExitRecord record = status
                .map(exit -> exitRecord(exit, oomKilled))
                .orElseGet(() -> new BundleFiles.ExitRecord(ContainerState.Stopped.STATUS_UNKNOWN_EXIT_CODE,
                        ContainerState.Stopped.STATUS_UNKNOWN, oomKilled, clock.instant().toString()));
        if (status.isEmpty()) {
            log.info("container {} stopped while this process could not observe its exit; reporting {}", id,
                    ContainerState.Stopped.STATUS_UNKNOWN);
        }
        reapableInits.remove(pid);
        return bundle.recordExitIfAbsent(record);
    }

    /**
     * The exit status of a stopped container's init, if this process is (was) its parent. A zombie is reaped at once;
     * an init that runc already reports stopped but that is not a zombie yet gets a few short retries.
     */
    private Optional<ExitStatus> reapStopped(int pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<ExitStatus> status = reaper.reapNow(pid);
            if (status.isPresent() || !reaper.isTracked(pid)) {
                return status;
            }
            try {
                Thread.sleep(STOP_POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    private BundleFiles.ExitRecord exitRecord(ExitStatus exit, boolean oomKilled) {
        return new BundleFiles.ExitRecord(exit.exitCode(), ContainerState.Stopped.reasonFor(exit.exitCode(), oomKilled),
                oomKilled, clock.instant().toString());
    }

    private static ContainerState.Stopped stopped(BundleFiles.ExitRecord record, BundleFiles bundle) {
        return new ContainerState.Stopped(record.exitCode(), record.reason(), record.oomKilled(), bundle.readStartedAt(),
                record.finishedInstant());
    }

    private static Instant created(RuncState state) {
        try {
            return Instant.parse(state.created());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /** Reaper callback: records the exit of a container init at once, while its cgroup (and OOM count) still exists. */
    private void onInitExited(int pid, ExitStatus status) {
        String id = reapableInits.remove(pid);
        if (id == null) {
            return;
        }
        boolean recorded = locked(id, () -> {
            BundleFiles bundle = bundle(id);
            if (!bundle.exists()) {
                return false;
            }
            String cgroupsPath = bundle.readMetadata().map(BundleFiles.Metadata::cgroupsPath).orElse(null);
            boolean oomKilled = cgroupsPath != null && cgroups.oomKillCount(cgroupsPath) > 0;
            BundleFiles.ExitRecord record = bundle.recordExitIfAbsent(exitRecord(status, oomKilled));
            log.debug("container {} exited: {}", id, record);
            return true;
        });
        if (recorded) {
            notifyExit(id);
        }
    }

    @Override
    public void onExit(Consumer<String> listener) {
        exitListeners.add(listener);
    }

    private void notifyExit(String id) {
        for (Consumer<String> listener : exitListeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                log.warn("an exit listener failed for container {}", id, e);
            }
        }
    }

    // ---- list / exec ----------------------------------------------------------------------------------------

    /**
     * Ids known to runc under this runtime's root, plus bundle directories runc has no state for (left by an
     * interrupted create or delete, for the agent to delete).
     */
    @Override
    public List<String> list() {
        TreeSet<String> ids = new TreeSet<>();
        for (RuncState state : runcList()) {
            ids.add(state.id());
        }
        try (var entries = Files.list(bundlesRoot)) {
            entries.filter(Files::isDirectory).map(path -> path.getFileName().toString()).forEach(ids::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + bundlesRoot, e);
        }
        return new ArrayList<>(ids);
    }

    @Override
    public Process exec(String id, ExecRequest request) {
        ContainerState state = state(id);
        if (!(state instanceof ContainerState.Running)) {
            throw new ContainerRuntimeException("cannot exec in container '" + id + "': it is not running (" + state + ")");
        }
        BundleFiles bundle = bundle(id);
        Path processFile = bundle.directory().resolve("exec-" + UUID.randomUUID() + ".json");
        try {
            ObjectNode spec = (ObjectNode) JSON.readTree(bundle.config().toFile());
            JSON.writeValue(processFile.toFile(),
                    OciBundle.execProcess(spec, request.args(), request.env(), request.cwd(), request.tty()));
            List<String> command = runc.commandLine(List.of("exec", "--process", processFile.toString(), id));
            Process process = request.tty() ? TerminalProcess.start(command, OciBundle.CONSOLE_COLUMNS,
                    OciBundle.CONSOLE_ROWS)
                    : new ProcessBuilder(command).start();
            process.onExit().whenComplete((ended, error) -> deleteQuietly(processFile));
            return process;
        } catch (IOException e) {
            deleteQuietly(processFile);
            throw new ContainerRuntimeException("exec in container '" + id + "' failed: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        reaper.close();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private BundleFiles bundle(String id) {
        return new BundleFiles(bundlesRoot.resolve(id));
    }

    private Optional<RuncState> runcState(String id) {
        RuncCommand.Result result = runc.run(QUERY_TIMEOUT, "state", id);
        if (!result.ok()) {
            if (result.error().contains("does not exist")) {
                return Optional.empty();
            }
            throw failure("querying", id, result);
        }
        try {
            return Optional.of(JSON.readValue(result.stdout(), RuncState.class));
        } catch (IOException e) {
            throw new ContainerRuntimeException("unexpected output of '" + runc.binary() + " state " + id + "': "
                    + result.stdout(), e);
        }
    }

    private List<RuncState> runcList() {
        RuncCommand.Result result = runc.run(QUERY_TIMEOUT, "list", "--format", "json");
        if (!result.ok()) {
            throw new ContainerRuntimeException("listing containers with " + runc.binary() + " failed: " + result.error());
        }
        String output = result.stdout().trim();
        if (output.isEmpty() || output.equals("null")) {
            return List.of();
        }
        try {
            return JSON.readValue(output, new TypeReference<List<RuncState>>() {});
        } catch (IOException e) {
            throw new ContainerRuntimeException("unexpected output of '" + runc.binary() + " list': " + output, e);
        }
    }

    private ContainerRuntimeException failure(String action, String id, RuncCommand.Result result) {
        String message = result.error();
        if (message.contains("does not exist")) {
            return new NoSuchContainerException(id);
        }
        return new ContainerRuntimeException(action + " container '" + id + "' failed: " + message);
    }

    private <T> T locked(String id, Supplier<T> action) {
        ReentrantLock lock = locks[Math.floorMod(id.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
