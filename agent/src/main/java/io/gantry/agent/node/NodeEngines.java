package io.gantry.agent.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The container engines a real node offers, one per RuntimeClass handler the host can serve. */
public final class NodeEngines {
    private static final Logger LOG = LoggerFactory.getLogger(NodeEngines.class);

    private NodeEngines() {
    }

    /** runc when the host has it, and always the process engine. */
    public static List<ContainerEngine> forHost(NodeAgentConfig config, String hostIp) {
        List<ContainerEngine> engines = new ArrayList<>();
        if (Files.isExecutable(config.runtimeBinary())) {
            engines.add(OciEngine.create(config));
        } else {
            LOG.warn("{} not found: only pods with runtimeClassName: process can run on this node",
                    config.runtimeBinary());
        }
        engines.add(new ProcessEngine(config.dataDir().resolve("process"), hostIp));
        return engines;
    }
}
