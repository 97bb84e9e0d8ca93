package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A pod's status as the kubelet reports it, from what the agent knows of its containers: each container's
 * state, last state and restarts, the pod's phase by the kubelet's rules, and the conditions
 * PodReadyToStartContainers, Initialized, Ready, ContainersReady and PodScheduled. Conditions keep their
 * lastTransitionTime while their status stays the same. Conditions of other types belong to other writers (a
 * controller behind a readiness gate, say): they are kept as they are, and the pod is Ready only when every
 * condition its {@code spec.readinessGates} name is True, as the kubelet's GeneratePodReadyCondition says.
 */
final class PodStatusBuilder {
    /** The condition types the agent writes; every other type is someone else's. */
    static final Set<String> OWN_CONDITIONS = Set.of("PodReadyToStartContainers", "Initialized", "Ready",
            "ContainersReady", "PodScheduled");

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
        List<JsonNode> others = othersConditions(pod);
        String closedGates = allReady ? closedGates(pod, others) : null;
        if (closedGates != null) {
            condition(conditions, previous, "Ready", false, "ReadinessGatesNotReady", closedGates, now);
        } else {
            condition(conditions, previous, "Ready", allReady, allReady ? null : notReady, notReadyMessage, now);
        }
        condition(conditions, previous, "ContainersReady", allReady, allReady ? null : notReady, notReadyMessage, now);
        condition(conditions, previous, "PodScheduled", true, null, null, now);
        if (evictedMessage != null) {
            condition(conditions, previous, "DisruptionTarget", true, "TerminationByKubelet", evictedMessage, now);
            others.removeIf(c -> c.path("type").asText().equals("DisruptionTarget"));
        }
        others.forEach(conditions::add);
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

    /** The conditions of the pod's status that other writers own, in their order. */
    static List<JsonNode> othersConditions(ObjectNode pod) {
        List<JsonNode> others = new ArrayList<>();
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (!OWN_CONDITIONS.contains(c.path("type").asText())) {
                others.add(c.deepCopy());
            }
        }
        return others;
    }

    /** Why the readiness gates keep the pod from being Ready (the kubelet's words), or null when all are open. */
    private static String closedGates(ObjectNode pod, List<JsonNode> others) {
        List<String> closed = new ArrayList<>();
        for (JsonNode gate : pod.path("spec").path("readinessGates")) {
            String type = gate.path("conditionType").asText();
            JsonNode condition = others.stream().filter(c -> c.path("type").asText().equals(type)).findFirst()
                    .orElse(null);
            if (condition == null) {
                closed.add("corresponding condition of pod readiness gate \"" + type + "\" does not exist.");
            } else if (!condition.path("status").asText().equals("True")) {
                closed.add("the status of pod readiness gate \"" + type + "\" is not \"True\", but "
                        + condition.path("status").asText());
            }
        }
        return closed.isEmpty() ? null : String.join(", ", closed);
    }

    /**
     * The status as a strategic merge patch of {@code pods/status}: conditions merge by type, so the patch names
     * only the agent's own, with a null for each field a condition no longer has; other writers' conditions,
     * even ones this agent has not seen yet, stay as they are.
     */
    static ObjectNode patch(ObjectNode status) {
        ObjectNode patch = status.deepCopy();
        ArrayNode own = patch.putArray("conditions");
        // a pod the node evicted carries the node's own DisruptionTarget too
        boolean evicted = "Evicted".equals(status.path("reason").asText());
        for (JsonNode c : status.path("conditions")) {
            String type = c.path("type").asText();
            if (OWN_CONDITIONS.contains(type) || (evicted && type.equals("DisruptionTarget"))) {
                ObjectNode condition = c.deepCopy();
                for (String field : List.of("reason", "message")) {
                    if (!condition.has(field)) {
                        condition.putNull(field);
                    }
                }
                own.add(condition);
            }
        }
        // merged by IP otherwise: an address the pod no longer has would stay
        for (String list : List.of("podIPs", "hostIPs")) {
            if (patch.get(list) instanceof ArrayNode ips) {
                ips.insertObject(0).put("$patch", "replace");
            }
        }
        return patch;
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
