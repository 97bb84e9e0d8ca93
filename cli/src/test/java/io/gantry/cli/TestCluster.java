package io.gantry.cli;

import static io.gantry.network.testing.HostCommands.run;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A control plane on this machine and real nodes {@code n1..nN}, each an agent in a host of {@link TestHosts}
 * with the sample image imported. Closing removes everything: pods and their containers, mounts below the test's
 * directory, the pods' cgroups, the processes and the hosts.
 */
final class TestCluster implements AutoCloseable {
    final TestHosts hosts;
    private Kubectl kubectl;
    private final Path dir;
    private final int nodes;
    /** What every agent is started with besides its identity and addresses. */
    private final List<String> agentArgs;
    private final List<String> serverArgs;
    private GantryProcess server;
    private final List<GantryProcess> agents = new ArrayList<>();
    /** The pod cgroups that were there before this cluster: everything else of that kind is this cluster's. */
    private final java.util.Set<String> podCgroupsBefore = podCgroups();

    private TestCluster(Path dir, int nodes, List<String> agentArgs, List<String> serverArgs, TestHosts hosts) {
        this.dir = dir;
        this.nodes = nodes;
        this.agentArgs = List.copyOf(agentArgs);
        this.serverArgs = List.copyOf(serverArgs);
        this.hosts = hosts;
    }

    Kubectl kubectl() {
        return kubectl;
    }

    static TestCluster start(Path dir, int nodes, String... serverArgs) throws Exception {
        return start(dir, nodes, List.of(), serverArgs);
    }

    /**
     * @param agentArgs options every agent gets besides its identity and addresses (its data directory is always
     *                  {@code dir/agentN}: a test may mount a file system of its own there first)
     */
    static TestCluster start(Path dir, int nodes, List<String> agentArgs, String... serverArgs) throws Exception {
        TestHosts hosts = new TestHosts(nodes);
        TestCluster cluster = new TestCluster(dir, nodes, agentArgs, List.of(serverArgs), hosts);
        try {
            List<String> args = new ArrayList<>(List.of("--tls-san", hosts.gateway()));
            args.addAll(List.of(serverArgs));
            cluster.server = GantryProcess.startOn(hosts.gateway(), dir.resolve("server"), 0,
                    args.toArray(String[]::new));
            String token = cluster.server.joinToken();
            try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<GantryProcess>> started = new ArrayList<>();
                for (int i = 1; i <= nodes; i++) {
                    int node = i;
                    SampleImage.importInto(dir.resolve("agent" + node).resolve("images"));
                    started.add(starts.submit((Callable<GantryProcess>) () -> cluster.startAgent(node, token)));
                }
                for (Future<GantryProcess> agent : started) {
                    cluster.agents.add(agent.get());
                }
            }
            cluster.kubectl = Kubectl.forCluster(cluster.server, dir);
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private GantryProcess startAgent(int node, String token) throws Exception {
        List<String> args = new ArrayList<>(List.of("--node-name", "n" + node, "--node-ip", hosts.address(node),
                "--run-dir", dir.resolve("run" + node).toString()));
        args.addAll(agentArgs);
        return GantryProcess.agentIn(hosts.namespace(node), dir.resolve("agent" + node), server.url(), token,
                args.toArray(String[]::new));
    }

    /** The ids of the containers running on node {@code i}, as runc lists them. */
    java.util.Set<String> runningContainers(int i) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String line : runc(i, "list").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 3 && columns[2].equals("running")) {
                out.add(columns[0]);
            }
        }
        return out;
    }

    /** SIGKILLs the control plane, as a crash; its agents and their pods keep running. */
    void killServer() throws InterruptedException {
        server.kill();
    }

    /** Starts the control plane again on its data, address and port. */
    void restartServer() throws Exception {
        List<String> args = new ArrayList<>(List.of("--tls-san", hosts.gateway()));
        args.addAll(serverArgs);
        server = GantryProcess.startOn(hosts.gateway(), dir.resolve("server"), server.port(),
                args.toArray(String[]::new));
    }

    /** SIGKILLs node {@code i}'s agent, as a crash: its containers keep running. */
    void killAgent(int i) throws InterruptedException {
        agents.get(i - 1).kill();
    }

    /** Starts node {@code i}'s agent again, on the identity and data it had. */
    void restartAgent(int i) throws Exception {
        agents.set(i - 1, startAgent(i, server.joinToken()));
    }

    /** The last lines of node {@code i}'s agent log, for a failure's message. */
    String agentLogTail(int i, int lines) {
        try {
            List<String> all = java.util.Arrays.asList(agents.get(i - 1).log().split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops node {@code i}'s agent (its pods keep running, as they would). */
    void stopAgent(int i) throws InterruptedException {
        agents.get(i - 1).close();
    }

    /** Runs {@code gantry leave} on host {@code i} (stop its agent first) and returns what it printed. */
    String leave(int i) throws Exception {
        List<String> command = List.of("nsenter", "--net=/run/netns/" + hosts.namespace(i),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "leave", "--server", server.url(),
                "--data-dir", dir.resolve("agent" + i).toString(), "--node-name", "n" + i, "--node-ip",
                hosts.address(i), "--run-dir", dir.resolve("run" + i).toString());
        Path log = dir.resolve("leave" + i + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES);
        if (!exited) {
            process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        String out = Files.readString(log);
        if (!exited || process.exitValue() != 0) {
            throw new AssertionError("gantry leave failed: " + out);
        }
        return out;
    }

    String runc(int node, String... args) {
        List<String> command = new ArrayList<>(List.of("runc", "--root", dir.resolve("run" + node + "/runc").toString()));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new)).stdout();
    }

    @Override
    public void close() {
        if (kubectl != null) {
            quietly(() -> {
                kubectl.run("delete", "deployments,statefulsets,daemonsets,pods", "--all", "-A", "--grace-period=1",
                        "--wait=false");
                // a pod is gone once its node released everything of it (containers, network, cgroups); the pods
                // of a node whose agent was stopped are not waited for: nothing releases them
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (int i = 1; i <= agents.size(); i++) {
                        String left = kubectl.run("get", "pods", "-A", "--field-selector=spec.nodeName=n" + i, "-o",
                                "name").out().trim();
                        if (agents.get(i - 1).isAlive() && !left.isEmpty()) {
                            return false;
                        }
                    }
                    return true;
                });
            });
        }
        // every step on its own: one that fails must not leave the others' leftovers behind
        for (GantryProcess agent : agents) {
            quietly(agent::close);
        }
        if (System.getProperty("gantry.test.logs") != null) {
            quietly(() -> {
                Path logs = Files.createDirectories(Path.of(System.getProperty("gantry.test.logs")));
                try (var files = Files.list(dir)) {
                    for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                        Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            });
        }
        if (server != null) {
            quietly(server::close);
        }
        for (int i = 1; i <= nodes; i++) {
            int node = i;
            quietly(() -> {
                for (String id : runc(node, "list", "-q").split("\n")) {
                    if (!id.isBlank()) {
                        runc(node, "delete", "-f", id.trim());
                    }
                }
            });
        }
        // whatever is still mounted below the test's directory (pod namespaces, container file systems)
        quietly(() -> Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(line -> line.split(" ")[1]).filter(point -> point.startsWith(dir.toString()))
                .sorted((a, b) -> b.length() - a.length()).forEach(point -> run("umount", "-l", point)));
        // pods of a node stopped early keep their cgroups (no agent was left to remove them), and so may pods
        // deleted while their agent was still starting them; a few tries, as killed processes keep a cgroup busy
        // until they are reaped
        for (int attempt = 0; attempt < 10; attempt++) {
            java.util.Set<String> left = podCgroups();
            left.removeAll(podCgroupsBefore);
            if (left.isEmpty()) {
                break;
            }
            for (String cgroup : left) {
                quietly(() -> run("sh", "-c", "find " + cgroup + " -depth -type d -exec rmdir {} \\; 2>/dev/null; true"));
            }
            quietly(() -> Thread.sleep(300));
        }
        quietly(() -> run("sh", "-c", "rmdir /sys/fs/cgroup/*/gantry 2>/dev/null; true"));
        hosts.close();
    }

    /** Every pod cgroup of every hierarchy, e.g. /sys/fs/cgroup/memory/gantry/pod&lt;uid&gt;. */
    private static java.util.Set<String> podCgroups() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path hierarchy : hierarchies.toList()) {
                Path parent = hierarchy.resolve("gantry");
                if (Files.isDirectory(parent)) {
                    try (var pods = Files.list(parent)) {
                        pods.filter(p -> p.getFileName().toString().startsWith("pod") && Files.isDirectory(p))
                                .forEach(p -> out.add(p.toString()));
                    }
                }
            }
        } catch (java.io.IOException e) {
            // no cgroups to look at
        }
        return out;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            System.err.println("clean-up step failed: " + e);
        }
    }
}
