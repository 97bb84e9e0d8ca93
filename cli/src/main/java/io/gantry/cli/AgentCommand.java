package io.gantry.cli;

import io.gantry.agent.Agent;
import io.gantry.agent.AgentConfig;
import io.gantry.agent.sim.SimulatedNodes;
import io.gantry.agent.sim.SimulationConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Joins a cluster as a node agent: a real node that runs containers (the default), or {@code --simulate N}
 * simulated nodes that run nothing.
 */
@Command(name = "agent", description = "Join a cluster as a node: gantry agent --server URL --token T "
        + "[--simulate N].")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "API server URL, e.g. https://10.0.0.1:6443.")
    String server;

    @Option(names = "--token", description = "The join token (gantry token on the server); not needed once joined.")
    String token;

    @Option(names = "--data-dir", description = "Where the agent keeps its identity (default: ${DEFAULT-VALUE}).")
    Path dataDir = AgentConfig.defaultDataDir();

    @Option(names = "--ca-file", description = "The cluster CA (PEM); otherwise checked against the token's hash.")
    Path caFile;

    @Option(names = "--name", description = "Agent name, the prefix of simulated node names (default: ${DEFAULT-VALUE}).")
    String name = AgentConfig.defaultSimulatorName();

    @Option(names = "--node-name", description = "Name of the real node (default: the host name, ${DEFAULT-VALUE}).")
    String nodeName = AgentConfig.defaultNodeName();

    @Option(names = "--simulate", description = "Register this many simulated nodes that run nothing.")
    int simulate;

    @Option(names = "--sim-cpu", description = "CPU of each simulated node (default: ${DEFAULT-VALUE}).")
    String cpu = "4";

    @Option(names = "--sim-memory", description = "Memory of each simulated node (default: ${DEFAULT-VALUE}).")
    String memory = "16Gi";

    @Option(names = "--sim-pods", description = "Pods per simulated node (default: ${DEFAULT-VALUE}).")
    String pods = "110";

    @Mixin
    NodeRunner.Options node = new NodeRunner.Options();

    @Option(names = "--node-lease-duration-seconds", description = "leaseDurationSeconds of each node's Lease; it is "
            + "renewed every quarter of that, as the kubelet does (default: ${DEFAULT-VALUE}).")
    int leaseDurationSeconds = SimulationConfig.defaults("", 0).leaseDurationSeconds();

    @Override
    public Integer call() throws Exception {
        if (simulate < 0) {
            throw new IllegalArgumentException("--simulate must not be negative");
        }
        Map<String, String> nodeLabels = node.labelMap();
        if (leaseDurationSeconds <= 0) {
            throw new IllegalArgumentException("--node-lease-duration-seconds must be positive");
        }
        if (simulate == 0) {
            return runNode();
        }
        Agent.Joined joined = Agent.join(new AgentConfig(server, token, name, dataDir, caFile));
        SimulatedNodes nodes = new SimulatedNodes(joined.client(), SimulationConfig.defaults(name, simulate)
                .withCapacity(cpu, memory, pods).withLabels(nodeLabels).withLeaseDuration(leaseDurationSeconds),
                Clock.systemUTC()).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            nodes.close();
            joined.close();
            stopped.countDown();
        }, "shutdown"));
        System.err.println("gantry: agent " + name + " joined " + server + " with " + simulate + " simulated nodes");
        stopped.await();
        return 0;
    }

    private int runNode() throws InterruptedException {
        NodeRunner runner = NodeRunner.start(new AgentConfig(server, token, nodeName, dataDir, caFile), node,
                leaseDurationSeconds);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            stopped.countDown();
        }, "shutdown"));
        System.err.println("gantry: node " + nodeName + " joined " + server + " and runs its pods");
        stopped.await();
        return 0;
    }
}
