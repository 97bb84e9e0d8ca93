package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.time.Instant;
import java.util.List;

/**
 * A pod's status as the kubelet reports it, from what the agent knows of its containers: each container's
 * state, last state and restarts, the pod's phase by the kubelet's rules, and the conditions
 * PodReadyToStartContainers, Initialized, Ready, ContainersReady and PodScheduled. Conditions keep their
 * lastTransitionTime while their status stays the same.
 */
final class PodStatusBuilder {
    /**
     * A container and what its current instance does (null when it has none).
     *
     * @param ready   running, and its readiness probe passed (or it has none)
     * @param started running, and its startup probe passed (or it has none)
     */
    record Observed(ContainerRecord record, ContainerEngine.ContainerRun run, boolean ready, boolean started) {
        /** A container without probes: ready and started while it runs. */
        Observed(ContainerRecord record, ContainerEngine.ContainerRun run) {
            this(record, run, isRunning(run), isRunning(run));
        }
    }


    /** @param scheme the containerID prefix, the engine's handler: runc://ID */
    ObjectNode build(String scheme, ObjectNode pod, List<Observed> init, List<Observed> regular, String hostIp, String podIp,
                     Instant startTime, boolean sandboxReady, Instant now) {
        return build(scheme, pod, init, regular, hostIp, podIp, startTime, sandboxReady, null, now);
    }

    /**
     * @param evictedMessage when the node evicted the pod, why: the pod is then Failed with reason Evicted and the
     *                       condition DisruptionTarget (TerminationByKubelet), as the kubelet reports it; else null
     */
    ObjectNode build(String scheme, ObjectNode pod, List<Observed> init, List<Observed> regular, String hostIp, String podIp,
                     Instant startTime, boolean sandboxReady, String evictedMessage, Instant now) {
        JsonNode previous = pod.path("status");
        String restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
        boolean initialized = init.stream().allMatch(o -> o.record().finished != null
                && o.record().finished.exitCode() == 0);
        String phase = evictedMessage != null ? "Failed" : phase(init, regular, restartPolicy, initialized);
        ObjectNode status = Json.object().put("phase", phase);
        if (evictedMessage != null) {
            status.put("reason", "Evicted").put("message", evictedMessage);
        }
        boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
        boolean allReady = !regular.isEmpty() && regular.stream().allMatch(Observed::ready);
        ArrayNode conditions = status.putArray("conditions");
        String notReady = terminal ? "PodCompleted" : "ContainersNotReady";
        condition(conditions, previous, "PodReadyToStartContainers", sandboxReady && !terminal, null, null, now);
        condition(conditions, previous, "Initialized", initialized, initialized ? (terminal ? "PodCompleted" : null)
                : "ContainersNotInitialized", initialized ? null : "containers with incomplete status: "
                + init.stream().filter(o -> o.record().finished == null).map(o -> o.record().name).toList(), now);
        String notReadyMessage = allReady ? null : "containers with unready status: "
                + regular.stream().filter(o -> !o.ready()).map(o -> o.record().name).toList();
        condition(conditions, previous, "Ready", allReady, allReady ? null : notReady, notReadyMessage, now);
        condition(conditions, previous, "ContainersReady", allReady, allReady ? null : notReady, notReadyMessage, now);
        condition(conditions, previous, "PodScheduled", true, null, null, now);
        if (evictedMessage != null) {
            condition(conditions, previous, "DisruptionTarget", true, "TerminationByKubelet", evictedMessage, now);
        }
        if (hostIp != null) {
            status.put("hostIP", hostIp);
            status.putArray("hostIPs").addObject().put("ip", hostIp);
        }
        if (podIp != null) {
            status.put("podIP", podIp);
            status.putArray("podIPs").addObject().put("ip", podIp);
        }
        status.put("startTime", NodeObjects.seconds(startTime));
        if (!init.isEmpty()) {
            status.set("initContainerStatuses", statuses(scheme, init, false));
        }
        status.set("containerStatuses", statuses(scheme, regular, true));
        status.put("qosClass", previous.path("qosClass").asText(qosClass(pod)));
        return status;
    }

    private static boolean isRunning(ContainerEngine.ContainerRun run) {
        return run instanceof ContainerEngine.ContainerRun.Running;
    }

    /** The kubelet's getPhase. */
    static String phase(List<Observed> init, List<Observed> regular, String restartPolicy, boolean initialized) {
        for (Observed o : init) {
            ContainerRecord.Termination f = o.record().finished;
            if (f != null && f.exitCode() != 0 && restartPolicy.equals("Never")) {
                return "Failed";
            }
        }
        if (!initialized) {
            return "Pending";
        }
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (Observed o : regular) {
            ContainerRecord r = o.record();
            if (isRunning(o.run())) {
                running++;
            } else if (r.finished != null) {
                stopped++;
                if (r.finished.exitCode() == 0) {
                    succeeded++;
                }
            } else if (r.last != null) {
                // waiting to restart after having run: counts as stopped, as in the kubelet
                stopped++;
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped > 0) {
            if (restartPolicy.equals("Always")) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            return restartPolicy.equals("Never") ? "Failed" : "Running";
        }
        return "Pending";
    }

    private static ArrayNode statuses(String scheme, List<Observed> observed, boolean regular) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Observed o : observed) {
            ContainerRecord r = o.record();
            boolean running = isRunning(o.run());
            ObjectNode cs = out.addObject().put("name", r.name).put("image", r.image)
                    .put("imageID", r.imageId).put("ready", regular ? o.ready() : r.finished != null
                            && r.finished.exitCode() == 0).put("restartCount", r.restartCount);
            // a finished container keeps the id of the instance that ended
            String containerId = r.containerId != null ? r.containerId
                    : r.finished != null ? r.finished.containerId() : null;
            if (containerId != null) {
                cs.put("containerID", scheme + "://" + containerId);
            }
            if (regular) {
                cs.put("started", o.started());
            }
            ObjectNode state = cs.putObject("state");
            if (o.run() instanceof ContainerEngine.ContainerRun.Running run) {
                state.putObject("running").put("startedAt", NodeObjects.seconds(run.startedAt()));
            } else if (r.finished != null) {
                terminated(scheme, state, r.finished);
            } else {
                ObjectNode w = state.putObject("waiting").put("reason",
                        r.waitingReason == null ? "ContainerCreating" : r.waitingReason);
                if (r.waitingMessage != null) {
                    w.put("message", r.waitingMessage);
                }
            }
            ObjectNode lastState = cs.putObject("lastState");
            if (r.last != null) {
                terminated(scheme, lastState, r.last);
            }
        }
        return out;
    }

    private static void terminated(String scheme, ObjectNode into, ContainerRecord.Termination t) {
        ObjectNode n = into.putObject("terminated").put("exitCode", t.exitCode()).put("reason", t.reason());
        if (t.message() != null) {
            n.put("message", t.message());
        }
        if (t.startedAt() != null) {
            n.put("startedAt", NodeObjects.seconds(t.startedAt()));
        }
        n.put("finishedAt", NodeObjects.seconds(t.finishedAt())).put("containerID", scheme + "://" + t.containerId());
    }

    private static void condition(ArrayNode into, JsonNode previous, String type, boolean value, String reason,
                                  String message, Instant now) {
        String status = value ? "True" : "False";
        String transition = NodeObjects.seconds(now);
        for (JsonNode c : previous.path("conditions")) {
            if (c.path("type").asText().equals(type) && c.path("status").asText().equals(status)
                    && c.hasNonNull("lastTransitionTime")) {
                transition = c.path("lastTransitionTime").asText();
            }
        }
        ObjectNode c = into.addObject().put("type", type).put("status", status);
        c.putNull("lastProbeTime");
        c.put("lastTransitionTime", transition);
        if (reason != null) {
            c.put("reason", reason);
        }
        if (message != null) {
            c.put("message", message);
        }
    }

    /** Guaranteed, Burstable or BestEffort, from the containers' requests and limits. */
    static String qosClass(ObjectNode pod) {
        boolean any = false;
        boolean guaranteed = true;
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : pod.path("spec").path(list)) {
                JsonNode requests = c.path("resources").path("requests");
                JsonNode limits = c.path("resources").path("limits");
                if (!requests.isEmpty() || !limits.isEmpty()) {
                    any = true;
                }
                for (String r : List.of("cpu", "memory")) {
                    String limit = limits.path(r).asText("");
                    String request = requests.path(r).asText(limit);
                    if (limit.isEmpty() || !request.equals(limit)) {
                        guaranteed = false;
                    }
                }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
