package io.gantry.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gantry.api.Json;

/** The node conditions a healthy kubelet reports, shared by real and simulated nodes. */
public final class NodeConditions {
    private NodeConditions() {
    }

    /**
     * MemoryPressure, DiskPressure and PIDPressure False, Ready True.
     *
     * @param heartbeat  lastHeartbeatTime (RFC 3339, seconds)
     * @param transition lastTransitionTime: when the node became ready
     */
    public static ArrayNode healthy(String heartbeat, String transition) {
        ArrayNode conditions = Json.MAPPER.createArrayNode();
        condition(conditions, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available", heartbeat, transition);
        condition(conditions, "DiskPressure", "False", "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure", heartbeat, transition);
        condition(conditions, "PIDPressure", "False", "KubeletHasSufficientPID",
                "kubelet has sufficient PID available", heartbeat, transition);
        condition(conditions, "Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat,
                transition);
        return conditions;
    }

    private static void condition(ArrayNode into, String type, String status, String reason, String message,
                                  String heartbeat, String transition) {
        into.addObject().put("type", type).put("status", status).put("lastHeartbeatTime", heartbeat)
                .put("lastTransitionTime", transition).put("reason", reason).put("message", message);
    }
}
