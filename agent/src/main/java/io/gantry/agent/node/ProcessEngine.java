package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.runtime.LogPaths;
import io.gantry.runtime.TerminalProcess;
import io.gantry.runtime.logs.ContainerLogs;
import io.gantry.runtime.logs.LogRotation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The {@code process} RuntimeClass: a container's command runs as a plain process of the host, with no image, no
 * isolation and the host's network (the pod's IP is the node's). For command-only apps and hosts without runc.
 * The command must be given ({@code command}/{@code args}); the image is not pulled; volumes are not mounted
 * (their host paths are the pod's business). Output goes to CRI logs as for runc containers. Each process's pid and start time are saved, so a restarted agent
 * finds the processes it started before; their exit codes it cannot learn (it is not their parent any more), so
 * those end as ContainerStatusUnknown, as in Kubernetes.
 */
final class ProcessEngine implements ContainerEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessEngine.class);
    static final String HANDLER = "process";

    private final Path stateDir;
    private final String hostIp;
    private final Map<String, Process> children = new ConcurrentHashMap<>();
    private final List<Consumer<String>> exitListeners = new CopyOnWriteArrayList<>();
    private final Map<String, ContainerLogs> logs = new ConcurrentHashMap<>();

    ProcessEngine(Path stateDir, String hostIp) {
        this.stateDir = stateDir;
        this.hostIp = hostIp;
    }

    @Override
    public String handler() {
        return HANDLER;
    }

    @Override
    public String version() {
        return "process://" + Runtime.version().feature();
    }

    @Override
    public boolean needsPodCidr() {
        return false;
    }

    @Override
    public void configureNetwork(NodePodNetwork network) {
        // host network: nothing to set up
    }

    @Override
    public void onExit(Consumer<String> listener) {
        exitListeners.add(listener);
    }

    @Override
    public Sandbox ensureSandbox(ObjectNode pod, Path podDir) {
        return new Sandbox(hostIp, Map.of());
    }

    @Override
    public void removeSandbox(String podUid) {
        // nothing was set up
    }

    @Override
    public Set<String> sandboxes() {
        return Set.of();
    }

    @Override
    public ImageInfo ensureImage(String image, String pullPolicy, List<RegistryAuth> auths) {
        return new ImageInfo(image, "", List.of(), List.of(), List.of(), "", "", false);
    }

    @Override
    public String start(Launch launch) {
        try {
            Files.createDirectories(stateDir);
            Files.createDirectories(launch.logFile().getParent());
            LogPaths raw = ContainerTranslator.rawLogs(launch.logFile());
            ProcessBuilder builder = new ProcessBuilder(launch.args())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(raw.stdout().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(raw.stderr().toFile()));
            Path dir = Path.of(launch.workingDir());
            builder.directory(Files.isDirectory(dir) ? dir.toFile() : launch.podDir().toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            for (String e : launch.env()) {
                int eq = e.indexOf('=');
                env.put(e.substring(0, eq), e.substring(eq + 1));
            }
            Process process = builder.start();
            logs.put(launch.containerId(), ContainerLogs.follow(raw, launch.logFile(), LogRotation.KUBELET_DEFAULT));
            ProcessHandle.Info info = process.toHandle().info();
            Instant started = info.startInstant().orElse(Instant.now());
            ObjectNode state = Json.object().put("pid", process.pid()).put("startedAt", started.toString());
            write(launch.containerId(), state);
            children.put(launch.containerId(), process);
            process.onExit().thenRun(() -> exited(launch.containerId(), process));
            return launch.containerId();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + launch.args().getFirst() + ": " + e.getMessage(), e);
        }
    }

    private void exited(String id, Process process) {
        Optional<ObjectNode> state = read(id);
        if (state.isPresent() && !state.get().has("exitCode")) {
            state.get().put("exitCode", process.exitValue()).put("finishedAt", Instant.now().toString());
            write(id, state.get());
        }
        children.remove(id);
        ContainerLogs log = logs.get(id);
        if (log != null) {
            log.containerStopped();
        }
        exitListeners.forEach(l -> l.accept(id));
    }

    @Override
    public void attachLogs(String containerId, Path logFile) {
        logs.computeIfAbsent(containerId, id -> {
            ContainerLogs log = ContainerLogs.follow(ContainerTranslator.rawLogs(logFile), logFile,
                    LogRotation.KUBELET_DEFAULT);
            if (state(id) instanceof ContainerRun.Exited) {
                log.containerStopped();
            }
            return log;
        });
    }

    @Override
    public ContainerRun state(String id) {
        Optional<ObjectNode> state = read(id);
        if (state.isEmpty()) {
            return new ContainerRun.Missing();
        }
        JsonNode s = state.get();
        Instant started = Instant.parse(s.path("startedAt").asText());
        if (s.has("exitCode")) {
            int code = s.path("exitCode").asInt();
            return new ContainerRun.Exited(code, code == 0 ? "Completed" : "Error", started,
                    Instant.parse(s.path("finishedAt").asText()));
        }
        Process child = children.get(id);
        if (child != null ? child.isAlive() : sameProcessAlive(s.path("pid").asLong(), started)) {
            return new ContainerRun.Running(started);
        }
        if (child != null) {
            return new ContainerRun.Exited(child.exitValue(), child.exitValue() == 0 ? "Completed" : "Error", started,
                    Instant.now());
        }
        return new ContainerRun.Exited(137, "ContainerStatusUnknown", started, Instant.now());
    }

    /** The pid is alive and still the process we started (pids are reused). */
    private static boolean sameProcessAlive(long pid, Instant started) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> h.info().startInstant().map(s -> Math.abs(Duration.between(s, started).toMillis()) < 1000)
                        .orElse(false))
                .orElse(false);
    }

    @Override
    public Process exec(String containerId, List<String> command, boolean tty) {
        try {
            return tty ? TerminalProcess.start(command, 80, 24) : new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
    }

    /** Host processes of this engine read /dev/null: there is no stdin to attach to. */
    @Override
    public Optional<OutputStream> stdin(String containerId) {
        return Optional.empty();
    }

    @Override
    public void closeStdin(String containerId) {
    }

    @Override
    public void resize(String containerId, int columns, int rows) throws IOException {
        throw new IOException("processes of the process runtime class run without a terminal");
    }

    @Override
    public void terminate(String containerId) {
        read(containerId).filter(s -> !s.has("exitCode"))
                .flatMap(s -> ProcessHandle.of(s.path("pid").asLong()))
                .ifPresent(ProcessHandle::destroy);
    }

    @Override
    public void stop(String id, Duration grace) {
        Optional<ObjectNode> state = read(id);
        if (state.isEmpty() || state.get().has("exitCode")) {
            return;
        }
        long pid = state.get().path("pid").asLong();
        Instant started = Instant.parse(state.get().path("startedAt").asText());
        Optional<ProcessHandle> alive = sameProcessAlive(pid, started) ? ProcessHandle.of(pid) : Optional.empty();
        alive.ifPresent(handle -> kill(id, handle, grace));
        // A process that died a moment ago (of a SIGTERM from terminate(), say) may not be reaped by the JDK yet,
        // and until then it counts as running: its exit is recorded here, so that stop() returns with it.
        Process child = children.get(id);
        if (child != null) {
            reap(id, child);
        } else if (alive.isPresent() && read(id).map(s -> !s.has("exitCode")).orElse(false)) {
            ObjectNode s = read(id).get();
            s.put("exitCode", 137).put("finishedAt", Instant.now().toString());
            write(id, s);
        }
    }

    /** SIGTERM to the process and its descendants, SIGKILL when the grace period ends. */
    private static void kill(String id, ProcessHandle handle, Duration grace) {
        List<ProcessHandle> descendants = handle.descendants().toList();
        handle.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            handle.onExit().get(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
        } catch (Exception timedOut) {
            handle.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("process {} of container {} did not die after SIGKILL", handle.pid(), id);
            }
        }
    }

    /** Waits for a child that was killed or died to be reaped, and records its exit. */
    private void reap(String id, Process child) {
        try {
            child.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!child.isAlive()) {
            exited(id, child);
        }
    }

    @Override
    public void remove(String id) {
        LogFollowers.finish(logs.remove(id));
        try {
            Files.deleteIfExists(stateDir.resolve(id + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Set<String> containers() {
        Set<String> out = new HashSet<>();
        if (!Files.isDirectory(stateDir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(stateDir)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .forEach(n -> out.add(n.substring(0, n.length() - 5)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Optional<ObjectNode> read(String id) {
        Path f = stateDir.resolve(id + ".json");
        try {
            return Files.exists(f) ? Optional.of((ObjectNode) Json.MAPPER.readTree(f.toFile())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private synchronized void write(String id, ObjectNode state) {
        try {
            Path tmp = stateDir.resolve(id + ".json.tmp");
            Files.write(tmp, Json.bytes(state));
            Files.move(tmp, stateDir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the state of container " + id, e);
        }
    }
}
