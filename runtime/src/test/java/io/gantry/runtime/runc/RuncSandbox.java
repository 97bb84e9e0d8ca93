package io.gantry.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.runtime.CgroupConfig;
import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.ContainerState;
import io.gantry.runtime.LogPaths;
import io.gantry.runtime.ProcessConfig;
import io.gantry.runtime.Rootfs;
import io.gantry.runtime.linux.MountTable;
import io.gantry.runtime.linux.OverlayMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * Everything one integration test creates with the real runc, and its removal: a temp directory (runc root, bundles,
 * logs, a busybox root filesystem), a cgroup parent unique to the test, network namespaces. {@link #close()} removes
 * it all, also after a failed test, and fails loudly if something could not be removed.
 */
final class RuncSandbox implements AutoCloseable {

    static final Path RUNC = Path.of("/usr/sbin/runc");
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    final Path base;
    final Path stateRoot;
    final Path bundlesRoot;
    final Path rootfs;
    final String cgroupParent;
    private final List<RuncRuntime> runtimes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    final RuncRuntime runtime;

    private RuncSandbox() throws IOException {
        requireTools();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        base = Files.createTempDirectory("gantry-runtime-test-");
        stateRoot = base.resolve("runc");
        bundlesRoot = base.resolve("bundles");
        cgroupParent = "/gantry-test-" + unique;
        rootfs = busyboxRootfs(base.resolve("rootfs"));
        runtime = newRuntime();
    }

    static RuncSandbox create() throws IOException {
        return new RuncSandbox();
    }

    /** The tests need root, runc and busybox; without them they fail with a message saying what is missing. */
    private static void requireTools() throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertThat(uid).as("these tests run containers with runc and must run as root").isEqualTo(0);
        assertThat(Files.isExecutable(RUNC)).as("runc is required at %s (apt-get install runc)", RUNC).isTrue();
        assertThat(Files.isExecutable(BUSYBOX)).as("a static busybox is required at %s (apt-get install busybox-static)",
                BUSYBOX).isTrue();
    }

    /** Another runtime over the same roots, as a restarted agent would create. */
    RuncRuntime newRuntime() {
        RuncRuntime created = new RuncRuntime(RUNC, stateRoot, bundlesRoot);
        runtimes.add(created);
        return created;
    }

    /** A root filesystem made of busybox: /bin/busybox and a symlink per applet, plus the usual directories. */
    static Path busyboxRootfs(Path directory) throws IOException {
        Path bin = directory.resolve("bin");
        Files.createDirectories(bin);
        Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : run(BUSYBOX.toString(), "--list").split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet.trim()), Path.of("busybox"));
            }
        }
        for (String dir : List.of("proc", "dev", "sys", "tmp", "etc", "root", "www")) {
            Files.createDirectories(directory.resolve(dir));
        }
        Files.writeString(directory.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/tmp:/bin/sh\n");
        Files.writeString(directory.resolve("etc/group"), "root:x:0:\nuser:x:1000:\n");
        return directory;
    }

    /** A container running {@code args} on the shared busybox rootfs, with its own namespaces and cgroup. */
    ContainerConfig container(String id, String... args) {
        return ContainerConfig.of(id, new Rootfs.Directory(rootfs), ProcessConfig.of(args), cgroup(id), logPaths(id));
    }

    CgroupConfig cgroup(String id) {
        return CgroupConfig.of(cgroupParent + "/" + id);
    }

    LogPaths logPaths(String id) {
        return LogPaths.in(base.resolve("logs").resolve(id));
    }

    String stdout(String id) throws IOException {
        Path file = logPaths(id).stdout();
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    String stderr(String id) throws IOException {
        Path file = logPaths(id).stderr();
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** The cgroup v1 directory of a controller for a container. */
    Path cgroupDirectory(String controller, String id) {
        return CGROUP_ROOT.resolve(controller).resolve(cgroupParent.substring(1)).resolve(id);
    }

    ContainerState.Stopped awaitStopped(String id, Duration timeout) {
        return (ContainerState.Stopped) Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> runtime.state(id), state -> state instanceof ContainerState.Stopped);
    }

    /** A new network namespace (loopback up) at /run/netns/NAME, deleted by {@link #close()}. */
    Path newNetworkNamespace() throws IOException {
        String name = "gantry-test-" + UUID.randomUUID().toString().substring(0, 8);
        run("ip", "netns", "add", name);
        namespaces.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return Path.of("/run/netns", name);
    }

    static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
        }
        return output;
    }

    @Override
    public void close() throws IOException {
        List<String> problems = new ArrayList<>();
        RuncRuntime cleaner = runtimes.get(0);
        try {
            for (String id : cleaner.list()) {
                try {
                    cleaner.delete(id);
                } catch (RuntimeException e) {
                    problems.add("delete " + id + ": " + e.getMessage());
                    attempt(problems, () -> run(RUNC.toString(), "--root", stateRoot.toString(), "delete", "--force", id));
                }
            }
        } catch (RuntimeException e) {
            problems.add("list: " + e.getMessage());
        }
        runtimes.forEach(RuncRuntime::close);
        for (Path mountPoint : MountTable.mountPointsUnder(base)) {
            attempt(problems, () -> OverlayMount.unmount(mountPoint));
        }
        removeCgroups(problems);
        for (String name : namespaces) {
            attempt(problems, () -> run("ip", "netns", "delete", name));
        }
        if (MountTable.mountPointsUnder(base).isEmpty()) {
            attempt(problems, () -> DirectoryTrees.deleteTree(base));
        } else {
            problems.add("not deleting " + base + ": still mounted: " + MountTable.mountPointsUnder(base));
        }
        assertThat(problems).as("cleaning up the test's containers, mounts, cgroups and namespaces").isEmpty();
    }

    /** Removes the test's cgroup parent (and anything below it) in every hierarchy, deepest first. */
    private void removeCgroups(List<String> problems) throws IOException {
        try (Stream<Path> hierarchies = Files.list(CGROUP_ROOT)) {
            for (Path hierarchy : hierarchies.toList()) {
                Path parent = hierarchy.resolve(cgroupParent.substring(1));
                if (!Files.isDirectory(parent)) {
                    continue;
                }
                List<Path> directories;
                try (Stream<Path> walk = Files.walk(parent)) {
                    directories = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
                }
                for (Path directory : directories) {
                    attempt(problems, () -> removeCgroup(directory));
                }
            }
        }
    }

    /** rmdir of a cgroup fails while it still has tasks; a just-killed container may need a moment. */
    private static void removeCgroup(Path directory) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.delete(directory);
                return;
            } catch (IOException e) {
                if (attempt >= 50) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<String> problems, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            problems.add(e.toString());
        }
    }
}
