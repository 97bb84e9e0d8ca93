package io.gantry.network.ns;

import io.gantry.network.exec.HostExecutables;
import io.gantry.network.exec.ProcessResult;
import io.gantry.network.exec.ProcessRunner;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and removes the persistent network, IPC and UTS namespaces of pods, each pinned by a bind mount at
 * {@code <root>/<podId>/{net,ipc,uts}}.
 *
 * <p>The namespaces are made by util-linux {@code unshare --net=FILE --ipc=FILE --uts=FILE}, which bind-mounts the
 * new namespaces onto the files before its command runs. That command, still inside the new namespaces, sets the
 * pod's hostname and brings {@code lo} up. Loopback is configured here rather than by the CNI loopback plugin so a
 * pod's namespaces are complete and usable on their own, whatever network configuration is attached later, and
 * the conflist holds only what concerns the node network.
 *
 * <p>nsfs files cannot be bind-mounted onto a shared mount (the mount would propagate into its own namespace), so
 * the root directory is made a private bind mount of itself once, as {@code ip netns} does for /run/netns. The
 * mounts live in the agent's mount namespace; they survive an agent restart, which is why {@link #listPods()}
 * exists.
 */
public final class PodNamespaces {

    public static final Path DEFAULT_ROOT = Path.of("/run/gantry/ns");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private static final Logger log = LoggerFactory.getLogger(PodNamespaces.class);

    /** Also the CNI container id: the CNI spec's character set, and a single safe path component. */
    private static final Pattern POD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,252}");
    /** The kernel allows 64 bytes; Kubernetes hostnames (and FQDN hostnames) fit in that. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,62}[A-Za-z0-9])?");
    /** Stacked mounts on one file can only come from a bug or a concurrent tool; never loop on them for long. */
    private static final int MAX_UNMOUNTS_PER_FILE = 8;

    /**
     * Runs inside the new namespaces. The hostname arrives as a positional argument, never spliced into the
     * script, and is written through /proc because that needs no hostname binary and acts on the writer's UTS
     * namespace.
     */
    private static final String INIT_SCRIPT =
            "printf %s \"$1\" > /proc/sys/kernel/hostname && \"$2\" link set lo up";

    private final Path root;
    private final ProcessRunner runner;
    private final HostExecutables executables;
    private final MountTable mountTable;

    public PodNamespaces(Path root, Duration timeout) {
        this(root, new ProcessRunner(timeout), HostExecutables.fromEnvironment(), MountTable.ofThisProcess());
    }

    PodNamespaces(Path root, ProcessRunner runner, HostExecutables executables, MountTable mountTable) {
        this.root = root.toAbsolutePath().normalize();
        this.runner = runner;
        this.executables = executables;
        this.mountTable = mountTable;
    }

    public Path root() {
        return root;
    }

    /** Where the pod's namespace files are (or would be); does not check that they exist. */
    public PodNamespacePaths paths(String podId) {
        return PodNamespacePaths.in(podDir(podId));
    }

    /**
     * Creates the pod's namespaces with {@code hostname} set in the UTS namespace and {@code lo} up in the network
     * namespace. When all three already exist they are returned unchanged (also their hostname), so a restarted
     * agent can call this again; leftovers of an interrupted earlier attempt are removed first.
     */
    public PodNamespacePaths create(String podId, String hostname) throws IOException {
        PodNamespacePaths paths = paths(podId);
        requireHostname(hostname);
        if (exists(podId)) {
            return paths;
        }
        remove(podId);
        prepareRoot();
        Files.createDirectories(podDir(podId));
        for (Path file : paths.all()) {
            Files.createFile(file);
        }
        List<String> command = List.of(
                executables.require("unshare", "util-linux").toString(),
                "--net=" + paths.net(), "--ipc=" + paths.ipc(), "--uts=" + paths.uts(),
                "--", executables.require("sh", "dash or bash").toString(), "-c", INIT_SCRIPT,
                "gantry-pod-init", hostname, executables.require("ip", "iproute2").toString());
        ProcessResult result;
        try {
            result = runner.run(command);
        } catch (IOException e) {
            removeQuietly(podId, e);
            throw e;
        }
        if (!result.succeeded()) {
            IOException failure = new IOException(
                    "could not create the namespaces of pod " + podId + ": " + result.describeFailure());
            removeQuietly(podId, failure);
            throw failure;
        }
        log.debug("created namespaces of pod {} under {}", podId, podDir(podId));
        return paths;
    }

    /** True when all three namespace files of the pod are mounted. */
    public boolean exists(String podId) throws IOException {
        for (Path file : paths(podId).all()) {
            if (!mountTable.isMountPoint(file)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The pod's network namespace file when it is mounted, even if the other namespaces are not (after an
     * interrupted {@link #create}): CNI DEL needs it to remove the pod's interface.
     */
    public Optional<Path> mountedNetworkNamespace(String podId) throws IOException {
        Path net = paths(podId).net();
        return mountTable.isMountPoint(net) ? Optional.of(net) : Optional.empty();
    }

    /**
     * Unmounts and deletes the pod's namespace files and directory. Idempotent: missing or already unmounted files
     * are fine. A namespace lives on while a process is still in it; it only loses its name here.
     */
    public void remove(String podId) throws IOException {
        Path dir = podDir(podId);
        if (!Files.exists(dir)) {
            return;
        }
        for (Path file : paths(podId).all()) {
            unmountAll(file);
            Files.deleteIfExists(file);
        }
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            throw new IOException("namespace directory " + dir + " holds files Gantry did not create; remove them by"
                    + " hand", e);
        }
        log.debug("removed namespaces of pod {}", podId);
    }

    /** Pods that have a namespace directory, complete or not: what a restarted agent must reconcile or clean up. */
    public List<String> listPods() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> pods = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(Files::isDirectory)
                    .map(entry -> entry.getFileName().toString())
                    .filter(name -> POD_ID.matcher(name).matches())
                    .sorted()
                    .forEach(pods::add);
        }
        return pods;
    }

    /**
     * Undoes the private self-bind mount of the root directory. Only for uninstalling and tests: the agent keeps
     * it for its lifetime. Refuses while pods still have namespaces, whose mounts would then be hidden.
     */
    public void releaseRoot() throws IOException {
        List<String> pods = listPods();
        if (!pods.isEmpty()) {
            throw new IllegalStateException("pods still have namespaces under " + root + ": " + pods);
        }
        synchronized (this) {
            // Once: only our own self-bind is undone, never a mount an administrator put there.
            if (mountTable.isMountPoint(root)) {
                check(runner.run(List.of(executables.require("umount", "util-linux").toString(), root.toString())),
                        "unmount the namespace root " + root);
            }
        }
    }

    private synchronized void prepareRoot() throws IOException {
        Files.createDirectories(root);
        MountTable.Mount own = mountTable.mounts().stream()
                .filter(mount -> mount.mountPoint().equals(root))
                .reduce((first, last) -> last) // the top-most mount is the one that counts
                .orElse(null);
        if (own != null && !own.shared()) {
            return;
        }
        Path mount = executables.require("mount", "util-linux");
        if (own == null) {
            check(runner.run(List.of(mount.toString(), "--bind", root.toString(), root.toString())),
                    "bind-mount the namespace root onto itself");
        }
        check(runner.run(List.of(mount.toString(), "--make-private", root.toString())),
                "make the namespace root a private mount");
        log.info("made {} a private mount to hold pod namespaces", root);
    }

    private void unmountAll(Path file) throws IOException {
        for (int attempt = 0; attempt < MAX_UNMOUNTS_PER_FILE && mountTable.isMountPoint(file); attempt++) {
            check(runner.run(List.of(executables.require("umount", "util-linux").toString(), file.toString())),
                    "unmount " + file);
        }
        if (mountTable.isMountPoint(file)) {
            throw new IOException(file + " is still mounted after " + MAX_UNMOUNTS_PER_FILE + " unmounts");
        }
    }

    private void removeQuietly(String podId, Exception cause) {
        try {
            remove(podId);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static void check(ProcessResult result, String what) throws IOException {
        if (!result.succeeded()) {
            throw new IOException("could not " + what + ": " + result.describeFailure());
        }
    }

    private Path podDir(String podId) {
        requirePodId(podId);
        return root.resolve(podId);
    }

    static void requirePodId(String podId) {
        if (podId == null || !POD_ID.matcher(podId).matches()) {
            throw new IllegalArgumentException("invalid pod id '" + podId + "': use letters, digits, '_', '.', '-',"
                    + " starting with a letter or digit, at most 253 characters");
        }
    }

    private static void requireHostname(String hostname) {
        if (hostname == null || !HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("invalid hostname '" + hostname + "': at most 64 letters, digits, '.'"
                    + " and '-', starting and ending with a letter or digit");
        }
    }
}
