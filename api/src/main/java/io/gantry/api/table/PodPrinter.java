package io.gantry.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.gantry.api.table.Cells.NONE;
import static io.gantry.api.table.Cells.text;

/**
 * Pod rows as kubectl shows them. STATUS is the aggregate Kubernetes computes: the pod phase or reason, then
 * init container progress ("Init:0/2", "Init:CrashLoopBackOff"), then the last container with a waiting or
 * terminated reason, and "Terminating" while a deletion is pending.
 */
final class PodPrinter implements TableConvertor {
    private static final List<ColumnDefinition> COLUMNS = List.of(
            ColumnDefinition.nameColumn(),
            ColumnDefinition.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            ColumnDefinition.string("Status", "The aggregate status of the containers in this pod."),
            ColumnDefinition.string("Restarts", "The number of times the containers in this pod have been "
                    + "restarted and when the last container in this pod has restarted."),
            ColumnDefinition.ageColumn(),
            ColumnDefinition.string("IP", "IP address allocated to the pod.").wide(),
            ColumnDefinition.string("Node", "NodeName is the node the pod is scheduled on.").wide(),
            ColumnDefinition.string("Nominated Node", "The node the scheduler nominated for preemption.").wide(),
            ColumnDefinition.string("Readiness Gates", "Pod readiness gates that are true out of all.").wide());

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<ObjectNode> conditions(ObjectNode pod) {
        String phase = text(pod.path("status").path("phase"));
        if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
            return List.of();
        }
        ObjectNode condition = Json.object();
        condition.put("type", "Completed");
        condition.put("status", "True");
        condition.put("reason", phase);
        condition.put("message", phase.equals("Succeeded") ? "The pod has completed successfully." : "The pod failed.");
        return List.of(condition);
    }

    private static boolean restartable(JsonNode initContainer) {
        return initContainer != null && "Always".equals(text(initContainer.path("restartPolicy")));
    }

    private static boolean hasCondition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(text(c.path("type"))) && "True".equals(text(c.path("status")))) {
                return true;
            }
        }
        return false;
    }

    private static Instant later(Instant current, JsonNode containerStatus) {
        Instant finished = Cells.instant(containerStatus.path("lastState").path("terminated").path("finishedAt"));
        if (finished == null) {
            return current;
        }
        return current == null || current.isBefore(finished) ? finished : current;
    }

    private static String exitReason(String prefix, JsonNode terminated) {
        long signal = terminated.path("signal").asLong();
        return signal != 0 ? prefix + "Signal:" + signal : prefix + "ExitCode:" + terminated.path("exitCode").asLong();
    }

    @Override
    public List<Object> cells(ObjectNode pod, Instant now) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        long restarts = 0;
        long restartableInitRestarts = 0;
        int total = spec.path("containers").size();
        int ready = 0;
        Instant lastRestart = null;
        Instant lastRestartableInitRestart = null;

        String phase = text(status.path("phase"));
        String reason = text(status.path("reason")).isEmpty() ? phase : text(status.path("reason"));
        for (JsonNode c : status.path("conditions")) {
            if ("PodScheduled".equals(text(c.path("type"))) && "SchedulingGated".equals(text(c.path("reason")))) {
                reason = "SchedulingGated";
            }
        }

        Map<String, JsonNode> initContainers = new HashMap<>();
        for (JsonNode c : spec.path("initContainers")) {
            initContainers.put(text(c.path("name")), c);
            if (restartable(c)) {
                total++;
            }
        }

        boolean initializing = false;
        JsonNode initStatuses = status.path("initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode container = initStatuses.get(i);
            boolean sidecar = restartable(initContainers.get(text(container.path("name"))));
            long count = container.path("restartCount").asLong();
            restarts += count;
            lastRestart = later(lastRestart, container);
            if (sidecar) {
                restartableInitRestarts += count;
                lastRestartableInitRestart = later(lastRestartableInitRestart, container);
            }
            JsonNode state = container.path("state");
            JsonNode terminated = state.path("terminated");
            JsonNode waiting = state.path("waiting");
            if (terminated.isObject() && terminated.path("exitCode").asLong() == 0) {
                continue;
            }
            if (sidecar && container.path("started").asBoolean(false)) {
                if (container.path("ready").asBoolean(false)) {
                    ready++;
                }
                continue;
            }
            if (terminated.isObject()) {
                String r = text(terminated.path("reason"));
                reason = r.isEmpty() ? exitReason("Init:", terminated) : "Init:" + r;
            } else if (waiting.isObject() && !text(waiting.path("reason")).isEmpty()
                    && !"PodInitializing".equals(text(waiting.path("reason")))) {
                reason = "Init:" + text(waiting.path("reason"));
            } else {
                reason = "Init:" + i + "/" + spec.path("initContainers").size();
            }
            initializing = true;
            break;
        }

        if (!initializing || hasCondition(status, "Initialized")) {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            boolean hasRunning = false;
            JsonNode statuses = status.path("containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode container = statuses.get(i);
                restarts += container.path("restartCount").asLong();
                lastRestart = later(lastRestart, container);
                JsonNode state = container.path("state");
                JsonNode terminated = state.path("terminated");
                JsonNode waiting = state.path("waiting");
                if (waiting.isObject() && !text(waiting.path("reason")).isEmpty()) {
                    reason = text(waiting.path("reason"));
                } else if (terminated.isObject() && !text(terminated.path("reason")).isEmpty()) {
                    reason = text(terminated.path("reason"));
                } else if (terminated.isObject()) {
                    reason = exitReason("", terminated);
                } else if (container.path("ready").asBoolean(false) && state.path("running").isObject()) {
                    hasRunning = true;
                    ready++;
                }
            }
            // a pod whose last container completed but another still runs is not "Completed"
            if (reason.equals("Completed") && hasRunning) {
                reason = hasCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }

        boolean deleting = Cells.deleting(pod);
        if (deleting && "NodeLost".equals(text(status.path("reason")))) {
            reason = "Unknown";
        } else if (deleting && !phase.equals("Succeeded") && !phase.equals("Failed")) {
            reason = "Terminating";
        }

        String restartText = String.valueOf(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartText = restarts + " (" + Durations.humanAge(Duration.between(lastRestart, now)) + " ago)";
        }

        String ip = text(status.path("podIPs").path(0).path("ip"));
        if (ip.isEmpty()) {
            ip = text(status.path("podIP"));
        }
        String node = text(spec.path("nodeName"));
        String nominated = text(status.path("nominatedNodeName"));

        String gates = NONE;
        JsonNode readinessGates = spec.path("readinessGates");
        if (!readinessGates.isEmpty()) {
            int trueConditions = 0;
            for (JsonNode gate : readinessGates) {
                String type = text(gate.path("conditionType"));
                for (JsonNode c : status.path("conditions")) {
                    if (type.equals(text(c.path("type")))) {
                        if ("True".equals(text(c.path("status")))) {
                            trueConditions++;
                        }
                        break;
                    }
                }
            }
            gates = trueConditions + "/" + readinessGates.size();
        }

        List<Object> cells = new ArrayList<>();
        cells.add(Cells.name(pod));
        cells.add(ready + "/" + total);
        cells.add(reason);
        cells.add(restartText);
        cells.add(Cells.age(pod, now));
        cells.add(ip.isEmpty() ? NONE : ip);
        cells.add(node.isEmpty() ? NONE : node);
        cells.add(nominated.isEmpty() ? NONE : nominated);
        cells.add(gates);
        return cells;
    }
}
