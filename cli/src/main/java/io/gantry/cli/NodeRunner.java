package io.gantry.cli;

import io.gantry.agent.Agent;
import io.gantry.agent.AgentConfig;
import io.gantry.agent.node.HostFacts;
import io.gantry.agent.node.NodeAgent;
import io.gantry.agent.node.NodeAgentConfig;
import io.gantry.agent.node.NodeEngines;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** A real node: joins (or reuses its identity) and runs the pods bound to it. Shared by agent and up. */
final class NodeRunner implements AutoCloseable {
    private final Agent.Joined joined;
    private final NodeAgent node;

    private NodeRunner(Agent.Joined joined, NodeAgent node) {
        this.joined = joined;
        this.node = node;
    }

    static NodeRunner start(AgentConfig agent, Map<String, String> labels, int leaseDurationSeconds)
            throws InterruptedException {
        Agent.Joined joined = Agent.join(agent);
        try {
            NodeAgentConfig config = NodeAgentConfig.defaults(agent.agentName(), agent.dataDir())
                    .withLabels(labels).withLeaseDuration(leaseDurationSeconds);
            NodeAgent node = new NodeAgent(joined.client(), config,
                    NodeEngines.forHost(config, HostFacts.read(agent.dataDir()).internalIp()), Clock.systemUTC())
                    .start(Duration.ofMinutes(2));
            return new NodeRunner(joined, node);
        } catch (RuntimeException | InterruptedException e) {
            joined.close();
            throw e;
        }
    }

    @Override
    public void close() {
        node.close();
        joined.close();
    }
}
