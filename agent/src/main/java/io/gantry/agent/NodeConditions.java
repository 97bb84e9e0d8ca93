package io.gantry.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gantry.api.Json;

import java.util.Map;

/** The node conditions a kubelet reports, shared by real and simulated nodes. */
public final class NodeConditions {
    private NodeConditions() {
    }

    /** The three conditions of node-pressure eviction, with the kubelet's reasons and messages for each status. */
    public enum Pressure {
        MEMORY("MemoryPressure", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available",
                "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        DISK("DiskPressure", "KubeletHasDiskPressure", "kubelet has disk pressure",
                "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        PID("PIDPressure", "KubeletHasInsufficientPID", "kubelet has insufficient PID available",
                "KubeletHasSufficientPID", "kubelet has sufficient PID available");

        private final String type;
        private final String trueReason;
        private final String trueMessage;
        private final String falseReason;
        private final String falseMessage;

        Pressure(String type, String trueReason, String trueMessage, String falseReason, String falseMessage) {
            this.type = type;
            this.trueReason = trueReason;
            this.trueMessage = trueMessage;
            this.falseReason = falseReason;
            this.falseMessage = falseMessage;
        }

        /** The condition type, e.g. MemoryPressure. */
        public String type() {
            return type;
        }
    }

    /**
     * One pressure condition's state.
     *
     * @param transition lastTransitionTime (RFC 3339, seconds): when the status last changed
     */
    public record PressureState(boolean underPressure, String transition) {
    }

    /**
     * MemoryPressure, DiskPressure and PIDPressure False, Ready True.
     *
     * @param heartbeat  lastHeartbeatTime (RFC 3339, seconds)
     * @param transition lastTransitionTime: when the node became ready
     */
    public static ArrayNode healthy(String heartbeat, String transition) {
        return of(heartbeat, transition, Map.of());
    }

    /**
     * The pressure conditions as {@code pressures} says (a pressure it leaves out is False since the node became
     * ready), and Ready True.
     *
     * @param readySince lastTransitionTime of Ready: when the node became ready
     */
    public static ArrayNode of(String heartbeat, String readySince, Map<Pressure, PressureState> pressures) {
        ArrayNode conditions = Json.MAPPER.createArrayNode();
        for (Pressure p : Pressure.values()) {
            PressureState state = pressures.getOrDefault(p, new PressureState(false, readySince));
            boolean on = state.underPressure();
            condition(conditions, p.type, on ? "True" : "False", on ? p.trueReason : p.falseReason,
                    on ? p.trueMessage : p.falseMessage, heartbeat, state.transition());
        }
        condition(conditions, "Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat,
                readySince);
        return conditions;
    }

    private static void condition(ArrayNode into, String type, String status, String reason, String message,
                                  String heartbeat, String transition) {
        into.addObject().put("type", type).put("status", status).put("lastHeartbeatTime", heartbeat)
                .put("lastTransitionTime", transition).put("reason", reason).put("message", message);
    }
}
