package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/** Where a pod's container logs live: the kubelet's layout, {@code logs/NAMESPACE_NAME_UID/CONTAINER/RESTARTS.log}. */
final class PodLogs {
    private PodLogs() {
    }

    /** The directory holding every log of the pod. */
    static Path dir(Path logsDir, ObjectNode pod) {
        var meta = pod.path("metadata");
        return logsDir.resolve(meta.path("namespace").asText() + "_" + meta.path("name").asText() + "_"
                + meta.path("uid").asText());
    }
}
