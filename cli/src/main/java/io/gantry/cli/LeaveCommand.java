package io.gantry.cli;

import io.gantry.agent.Agent;
import io.gantry.agent.AgentConfig;
import io.gantry.agent.node.HostFacts;
import io.gantry.agent.node.NodeAgentConfig;
import io.gantry.agent.node.NodeLeave;
import io.gantry.agent.node.NodeLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Takes this host's node out of its cluster for good ({@link NodeLeave}); run it after stopping the agent, with
 * the options the agent ran with.
 */
@Command(name = "leave", description = "Take this node out of its cluster: deletes the Node and removes its "
        + "containers, pod network, rules and devices. Stop the agent first.")
final class LeaveCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "API server URL the agent joined, e.g. https://10.0.0.1:6443.")
    String server;

    @Option(names = "--data-dir", description = "The agent's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = AgentConfig.defaultDataDir();

    @Option(names = "--ca-file", description = "The cluster CA (PEM), if the agent was given one.")
    Path caFile;

    @Option(names = "--node-name", description = "Name of the node (default: the host name, ${DEFAULT-VALUE}).")
    String nodeName = AgentConfig.defaultNodeName();

    @Mixin
    NodeRunner.Options node = new NodeRunner.Options();

    @Override
    public Integer call() throws Exception {
        try (NodeLock lock = NodeLock.tryAcquire(dataDir).orElseThrow(() -> new IllegalArgumentException(
                "the agent of " + dataDir + " still runs: stop it first"))) {
            NodeAgentConfig config = NodeAgentConfig.defaults(nodeName, dataDir)
                    .withStateDir(node.runDir.toAbsolutePath()).withBridgeName(node.podBridge)
                    .withRuntimeBinary(node.ociRuntime);
            String nodeIp = node.nodeIp != null ? node.nodeIp : HostFacts.read(dataDir).internalIp();
            Agent.Joined joined = null;
            try {
                joined = Agent.join(new AgentConfig(server, null, nodeName, dataDir, caFile));
            } catch (RuntimeException e) {
                System.err.println("gantry: cannot reach the cluster (" + UserErrors.message(e)
                        + "): cleaning this host only; the Node stays until someone deletes it");
            }
            NodeLeave.Outcome outcome;
            try {
                outcome = NodeLeave.leave(Optional.ofNullable(joined).map(Agent.Joined::client), config, nodeIp);
            } finally {
                if (joined != null) {
                    joined.close();
                }
            }
            outcome.done().forEach(System.out::println);
            if (!outcome.failed().isEmpty()) {
                outcome.failed().forEach(line -> System.err.println("gantry: " + line));
                throw new IllegalArgumentException("node " + nodeName + " left things behind (above): run gantry leave "
                        + "again once they are fixed");
            }
        }
        System.err.println("gantry: node " + nodeName + " left " + server);
        return 0;
    }
}
