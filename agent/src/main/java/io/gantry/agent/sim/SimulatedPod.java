package io.gantry.agent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the simulated runtime knows of one pod bound to one of its nodes, and the status that follows. All
 * containers of a pod share one fate: they start together and, with {@code gantry.io/simulate-exit-after},
 * exit together with {@code gantry.io/simulate-exit-code}. Then the restart policy decides, as the kubelet
 * does: Always restarts, OnFailure restarts on a non-zero code, otherwise the pod ends Succeeded or Failed. A
 * container that keeps failing waits in CrashLoopBackOff before each restart after the first, 10 s doubling
 * to 5 min; a clean exit resets that.
 * <p>
 * Methods are synchronized: the informer thread and the timer actions both touch a pod.
 */
final class SimulatedPod {
    static final String EXIT_AFTER = "gantry.io/simulate-exit-after";
    static final String EXIT_CODE = "gantry.io/simulate-exit-code";
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /**
     * Every field of a pod that this class and {@link SimulatedNodes} read: the agent's informer keeps only these,
     * so that thousands of pods are neither built nor kept whole.
     */
    static final String[] FIELDS_READ = {"metadata.uid", "metadata.deletionTimestamp", "metadata.annotations",
            "spec.nodeName", "spec.restartPolicy", "spec.containers.name", "spec.containers.image",
            "status.startTime", "status.podIP", "status.phase", "status.containerStatuses.restartCount",
            "status.containerStatuses.state.running.startedAt"};

    private record Container(String name, String image) {
    }

    private record Terminated(int exitCode, Instant startedAt, Instant finishedAt) {
        String reason() {
            return exitCode == 0 ? "Completed" : "Error";
        }
    }

    final String namespace;
    final String name;
    final String uid;
    final SimNode node;
    final String podIp;
    /** Set while a status write for this pod is queued, so changes made meanwhile go out in that one write. */
    final AtomicBoolean writeQueued = new AtomicBoolean();
    private final List<Container> containers = new ArrayList<>();
    private final String restartPolicy;
    private final Duration exitAfter;
    private final int exitCode;
    private final Instant startTime;
    private String phase = "Running";
    private int restartCount;
    private Instant runningSince;
    private Instant waitingUntil;
    private Duration backoff;
    private Terminated last;
    private Terminated finalState;
    private Instant readyChanged;
    private long incarnation;
    private boolean deleting;
    private boolean gone;

    SimulatedPod(ObjectNode pod, SimNode node, Instant now) {
        JsonNode meta = pod.path("metadata");
        this.namespace = meta.path("namespace").asText();
        this.name = meta.path("name").asText();
        this.uid = meta.path("uid").asText();
        this.node = node;
        for (JsonNode c : pod.path("spec").path("containers")) {
            containers.add(new Container(c.path("name").asText(), c.path("image").asText()));
        }
        this.restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
        this.exitAfter = exitAfter(meta.path("annotations").path(EXIT_AFTER).asText(""));
        this.exitCode = exitCode(meta.path("annotations").path(EXIT_CODE).asText(""));
        JsonNode status = pod.path("status");
        // a pod this agent (or an earlier run of it) already started keeps its times, address and restarts
        this.startTime = Times.parse(status.path("startTime").asText(""), now);
        String ip = status.path("podIP").asText("");
        this.podIp = ip.isEmpty() ? node.allocatePodIp() : node.claimPodIp(ip);
        JsonNode first = status.path("containerStatuses").path(0);
        this.restartCount = first.path("restartCount").asInt(0);
        this.runningSince = Times.parse(first.path("state").path("running").path("startedAt").asText(""), now);
        this.readyChanged = runningSince;
        String existingPhase = status.path("phase").asText("");
        if (existingPhase.equals("Succeeded") || existingPhase.equals("Failed")) {
            phase = existingPhase;
            gone = true;
        }
    }

    static Duration exitAfter(String annotation) {
        if (annotation.isBlank()) {
            return null;
        }
        try {
            Duration d = GoDuration.parse(annotation);
            return d.isNegative() ? null : d;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static int exitCode(String annotation) {
        try {
            return annotation.isBlank() ? 0 : Integer.parseInt(annotation.strip());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The incarnation of the running containers, or -1 if they do not run (timers of old ones are ignored). */
    synchronized long incarnation() {
        return isRunning() ? incarnation : -1;
    }

    /** When the running containers exit, or null if they run until deleted. */
    synchronized Instant exitDue() {
        return exitAfter == null || !isRunning() ? null : runningSince.plus(exitAfter);
    }

    synchronized boolean isTerminal() {
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    /** True once: the pod was asked to stop (deletionTimestamp); its containers stop now. */
    synchronized boolean markDeleting(Instant now) {
        if (deleting) {
            return false;
        }
        deleting = true;
        gone = true;
        if (isRunning()) {
            last = new Terminated(0, runningSince, now);
        }
        incarnation++;
        return true;
    }

    synchronized boolean isGone() {
        return gone;
    }

    private boolean isRunning() {
        return !gone && !isTerminal() && waitingUntil == null;
    }

    /**
     * The containers of {@code expectedIncarnation} exit now. Returns when they start again (null if they do not:
     * the pod ended, or restarts right away, in which case {@link #incarnation()} has moved on).
     */
    synchronized Instant exit(long expectedIncarnation, Instant now) {
        if (expectedIncarnation != incarnation || !isRunning()) {
            return null;
        }
        Terminated t = new Terminated(exitCode, runningSince, now);
        incarnation++;
        boolean restart = restartPolicy.equals("Always") || (restartPolicy.equals("OnFailure") && exitCode != 0);
        if (!restart) {
            finalState = t;
            phase = exitCode == 0 ? "Succeeded" : "Failed";
            readyChanged = now;
            return null;
        }
        last = t;
        if (exitCode == 0) {
            backoff = null;
        } else if (backoff == null) {
            // the first failure restarts at once; repeated failures back off
            backoff = Duration.ZERO;
        } else {
            backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        }
        if (backoff == null || backoff.isZero()) {
            restartCount++;
            runningSince = now;
            return null;
        }
        waitingUntil = now.plus(backoff);
        readyChanged = now;
        return waitingUntil;
    }

    /** The back-off ended: the containers run again. */
    synchronized void restartAfterBackoff(Instant now) {
        if (waitingUntil == null || gone || isTerminal()) {
            return;
        }
        waitingUntil = null;
        restartCount++;
        runningSince = now;
        readyChanged = now;
        incarnation++;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The status as the kubelet would report it now. */
    synchronized ObjectNode status() {
        boolean running = isRunning();
        ObjectNode status = Json.object().put("phase", phase);
        ArrayNode conditions = status.putArray("conditions");
        String started = Times.seconds(startTime);
        String readyAt = Times.seconds(readyChanged);
        String notReadyReason = isTerminal() ? "PodCompleted" : "ContainersNotReady";
        condition(conditions, "PodReadyToStartContainers", !isTerminal(), started, null);
        condition(conditions, "Initialized", true, started, isTerminal() ? "PodCompleted" : null);
        condition(conditions, "Ready", running, readyAt, running ? null : notReadyReason);
        condition(conditions, "ContainersReady", running, readyAt, running ? null : notReadyReason);
        condition(conditions, "PodScheduled", true, started, null);
        status.put("hostIP", node.internalIp);
        status.putArray("hostIPs").addObject().put("ip", node.internalIp);
        status.put("podIP", podIp);
        status.putArray("podIPs").addObject().put("ip", podIp);
        status.put("startTime", started);
        ArrayNode statuses = status.putArray("containerStatuses");
        for (Container c : containers) {
            String containerId = "sim://" + uid + "-" + c.name();
            ObjectNode cs = statuses.addObject().put("name", c.name()).put("image", c.image())
                    .put("imageID", "sim://" + c.image()).put("containerID", containerId)
                    .put("ready", running).put("started", running).put("restartCount", restartCount);
            ObjectNode state = cs.putObject("state");
            if (running) {
                state.putObject("running").put("startedAt", Times.seconds(runningSince));
            } else if (finalState != null) {
                terminated(state, finalState, containerId);
            } else if (waitingUntil != null) {
                state.putObject("waiting").put("reason", "CrashLoopBackOff").put("message",
                        "back-off " + backoff.toSeconds() + "s restarting failed container=" + c.name() + " pod="
                                + name + "_" + namespace + "(" + uid + ")");
            } else if (last != null) {
                terminated(state, last, containerId);
            }
            ObjectNode lastState = cs.putObject("lastState");
            if (last != null && (running || waitingUntil != null || finalState != null)) {
                terminated(lastState, last, containerId);
            }
        }
        return status;
    }

    private static void terminated(ObjectNode into, Terminated t, String containerId) {
        into.putObject("terminated").put("exitCode", t.exitCode()).put("reason", t.reason())
                .put("startedAt", Times.seconds(t.startedAt())).put("finishedAt", Times.seconds(t.finishedAt()))
                .put("containerID", containerId);
    }

    private static void condition(ArrayNode into, String type, boolean status, String transition, String reason) {
        ObjectNode c = into.addObject().put("type", type).put("status", status ? "True" : "False");
        c.putNull("lastProbeTime");
        c.put("lastTransitionTime", transition);
        if (reason != null) {
            c.put("reason", reason);
        }
    }
}
