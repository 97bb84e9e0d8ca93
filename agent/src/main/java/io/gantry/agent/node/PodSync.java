package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.node.eviction.PressureAdmission;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.client.DeleteRequest;
import io.gantry.client.EventRecorder;
import io.gantry.client.PatchKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Brings one pod on this node to what its spec asks, one step per call (the kubelet's syncPod): sandbox,
 * volumes, init containers one after the other, then the containers, restarted by the pod's restart policy with
 * back-off; reports the status when it changed. A pod being deleted has its containers stopped within its grace
 * period, everything it held released, and is then removed from the API. Called only by the pod's worker.
 */
final class PodSync implements PodWorkers.Sync {
    private static final Logger LOG = LoggerFactory.getLogger(PodSync.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final NodeContext node;
    private final String uid;
    private final Path podDir;
    private final Map<String, ContainerRecord> records = new LinkedHashMap<>();
    private Instant startTime;
    private ContainerEngine.Sandbox sandbox;
    /** The engine of the pod's RuntimeClass, fixed at its first sync (and saved, for an agent restart). */
    private ContainerEngine engine;
    private String savedHandler;
    private ObjectNode lastStatus;
    private boolean loaded;
    private boolean logsAttached;
    /** The node evicted the pod: its containers never start again, whatever the pod object says meanwhile. */
    private boolean evicted;
    /** The node refused to start the pod (pressure admission): it stays Failed, whatever the pressure does next. */
    private boolean rejected;
    /** The Evicted event went out for the eviction under way (a retried status write must not repeat it). */
    private boolean evictionAnnounced;
    /** An evicted pod's volumes and logs are gone from the node's disk. */
    private boolean diskReleased;

    /** What the pod's worker last heard of the pod: a deletion may shorten its grace period while it runs out. */
    private final java.util.function.Supplier<ObjectNode> latest;
    private final PodProbes probes;

    PodSync(NodeContext node, String uid, java.util.function.Supplier<ObjectNode> latest) {
        this.node = node;
        this.uid = uid;
        this.latest = latest;
        this.podDir = node.podsDir().resolve(uid);
        this.probes = new PodProbes(() -> node.podChanged(uid), (container, message) -> {
            ObjectNode pod = latest.get();
            if (pod != null) {
                node.events().event(pod, "spec.containers{" + container + "}", EventRecorder.WARNING, "Unhealthy",
                        message);
            }
        });
    }

    @Override
    public Optional<Duration> sync(String podUid, ObjectNode pod, boolean deleted) {
        load();
        if (engine == null) {
            try {
                engine = savedHandler != null ? node.engine(savedHandler)
                        : pod != null ? node.engineFor(pod) : node.defaultEngine();
            } catch (IllegalArgumentException e) {
                if (deleted || pod == null || pod.path("metadata").has("deletionTimestamp")) {
                    engine = node.defaultEngine();
                } else {
                    node.events().event(pod, EventRecorder.WARNING, "FailedCreatePodSandBox",
                            "Failed to create pod sandbox: " + e.getMessage());
                    return Optional.of(PodWorkers.RESYNC);
                }
            }
        }
        if (deleted || pod == null || pod.path("metadata").has("deletionTimestamp")) {
            terminate(pod, !deleted && pod != null);
            node.evictions().forget(uid);
            return Optional.empty();
        }
        Optional<PodEvictions.Request> eviction = node.evictions().of(uid).filter(r -> !r.done().isDone());
        if (eviction.isPresent()) {
            return Optional.of(evict(pod, eviction.get()));
        }
        if (evicted || terminal(pod)) {
            // finished pods keep their status and logs but hold no containers or address
            stopAll(pod, Duration.ZERO);
            engine.removeSandbox(uid);
            sandbox = null;
            if ((evicted || "Evicted".equals(pod.path("status").path("reason").asText())) && !diskReleased) {
                releaseDisk(pod); // an eviction an earlier run (or a failed attempt) did not finish cleaning up
            }
            return Optional.of(PodWorkers.RESYNC);
        }
        if (startTime == null && !rejected) {
            Optional<String> refusal = PressureAdmission.refusal(pod, node.pressures());
            if (refusal.isPresent()) {
                rejected = reject(pod, refusal.get());
                if (!rejected) {
                    return Optional.of(RETRY);
                }
            }
        }
        if (rejected) {
            return Optional.of(PodWorkers.RESYNC);
        }
        Instant now = node.clock().instant();
        if (startTime == null) {
            startTime = now;
            save();
        }
        if (!logsAttached) {
            // containers an earlier run of the agent started keep writing their logs
            logsAttached = true;
            for (ContainerRecord r : records.values()) {
                if (r.containerId != null) {
                    engine.attachLogs(r.containerId, logFile(pod, r));
                }
            }
        }
        Duration next = PodWorkers.RESYNC;
        try {
            next = reconcile(pod, now);
        } catch (SandboxFailure e) {
            node.events().event(pod, EventRecorder.WARNING, "FailedCreatePodSandBox",
                    "Failed to create pod sandbox: " + e.getMessage());
            next = RETRY;
        } catch (PodVolumes.VolumeException e) {
            node.events().event(pod, EventRecorder.WARNING, "FailedMount", e.getMessage());
            next = RETRY;
        }
        reportStatus(pod, node.clock().instant());
        return Optional.of(next);
    }

    private static final class SandboxFailure extends RuntimeException {
        SandboxFailure(String message) {
            super(message);
        }
    }

    private Duration reconcile(ObjectNode pod, Instant now) {
        ensureRecords(pod);
        if (sandbox == null) {
            try {
                sandbox = engine.ensureSandbox(pod, podDir);
            } catch (RuntimeException e) {
                throw new SandboxFailure(e.getMessage());
            }
        }
        Map<String, Path> volumes = new PodVolumes(podDir.resolve("volumes"), pod, node.sources(pod), resolver(pod),
                node.mounts()).setUp(now);
        Duration next = PodWorkers.RESYNC;
        String restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            ContainerRecord r = records.get(c.path("name").asText());
            if (r.finished != null && r.finished.exitCode() == 0) {
                continue;
            }
            ContainerEngine.ContainerRun run = observe(r);
            if (run instanceof ContainerEngine.ContainerRun.Running || run instanceof ContainerEngine.ContainerRun.Created) {
                return next;
            }
            if (run instanceof ContainerEngine.ContainerRun.Exited exited) {
                ended(pod, r, exited);
                if (exited.exitCode() == 0) {
                    r.finished = r.last;
                    r.last = null;
                    save();
                    continue;
                }
                if (restartPolicy.equals("Never")) {
                    r.finished = r.last;
                    r.last = null;
                    save();
                    return next;
                }
            }
            return min(next, startOrWait(pod, c, r, volumes, now));
        }
        for (JsonNode c : pod.path("spec").path("containers")) {
            ContainerRecord r = records.get(c.path("name").asText());
            if (r.finished != null) {
                continue;
            }
            ContainerEngine.ContainerRun run = observe(r);
            if (run instanceof ContainerEngine.ContainerRun.Running) {
                probes.ensure(r.name, r.containerId, c, sandbox.podIp(), engine);
                if (probes.restartReason(r.name) != null) {
                    run = killUnhealthy(pod, r);
                }
            }
            if (run instanceof ContainerEngine.ContainerRun.Running running) {
                if (Duration.between(running.startedAt(), now).compareTo(Duration.ofMinutes(10)) > 0) {
                    r.crashBackoff.reset();
                }
                continue;
            }
            if (run instanceof ContainerEngine.ContainerRun.Created) {
                continue;
            }
            if (run instanceof ContainerEngine.ContainerRun.Exited exited) {
                if (!endedRegular(pod, r, exited, restartPolicy)) {
                    continue;
                }
                r.crashBackoff.failed(now);
            }
            next = min(next, startOrWait(pod, c, r, volumes, now));
        }
        return next;
    }

    /** The runtime's view of a container's current instance; an instance that vanished counts as exited. */
    private ContainerEngine.ContainerRun observe(ContainerRecord r) {
        if (r.containerId == null) {
            return null;
        }
        ContainerEngine.ContainerRun run = engine.state(r.containerId);
        if (run instanceof ContainerEngine.ContainerRun.Missing) {
            return new ContainerEngine.ContainerRun.Exited(137, "ContainerStatusUnknown", null, node.clock().instant());
        }
        return run;
    }

    /** The kubelet's rejectPod: the pod never starts here and is reported Failed, saying why. */
    private boolean reject(ObjectNode pod, String message) {
        try {
            ObjectNode status = Json.object().put("phase", "Failed").put("reason", PressureAdmission.REASON)
                    .put("message", "Pod was rejected: " + message);
            node.client().patchWithoutResult(NodeHeartbeat.REGISTRY.byKind("v1", "Pod").orElseThrow(),
                    namespace(pod), name(pod), "status", PatchKind.MERGE, Json.object().set("status", status));
            node.events().event(pod, EventRecorder.WARNING, PressureAdmission.REASON, message);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("reporting pod {} rejected failed: {}", name(pod), e.toString());
            return false;
        }
    }

    /** A container whose liveness (or startup) probe failed is stopped, as the kubelet kills it, for a restart. */
    private ContainerEngine.ContainerRun killUnhealthy(ObjectNode pod, ContainerRecord r) {
        String fieldPath = "spec.containers{" + r.name + "}";
        node.events().event(pod, fieldPath, EventRecorder.NORMAL, "Killing", probes.restartReason(r.name));
        long grace = probes.probeGraceSeconds(r.name, pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
        probes.stop(r.name);
        engine.stop(r.containerId, Duration.ofSeconds(Math.max(0, grace)));
        return observe(r);
    }

    /**
     * A regular container's instance ended: recorded as {@link #ended}, and as finished for good when the restart
     * policy does not start it again. Returns whether it does.
     */
    private boolean endedRegular(ObjectNode pod, ContainerRecord r, ContainerEngine.ContainerRun.Exited exited,
                                 String restartPolicy) {
        ended(pod, r, exited);
        boolean restart = restartPolicy.equals("Always") || restartPolicy.equals("OnFailure") && exited.exitCode() != 0;
        if (!restart) {
            r.finished = r.last;
            r.last = null;
            save();
        }
        return restart;
    }

    /** An instance ended: it becomes the last state, and the runtime forgets it. */
    private void ended(ObjectNode pod, ContainerRecord r, ContainerEngine.ContainerRun.Exited exited) {
        probes.stop(r.name);
        r.last = new ContainerRecord.Termination(exited.exitCode(), exited.reason(), null, exited.startedAt(),
                exited.finishedAt(), r.containerId);
        engine.remove(r.containerId);
        node.forget(r.containerId);
        r.containerId = null;
        save();
    }

    /** Starts the container's next instance, unless it must wait (back-off); returns when to look again. */
    private Duration startOrWait(ObjectNode pod, JsonNode spec, ContainerRecord r, Map<String, Path> volumes,
                                 Instant now) {
        String fieldPath = (r.init ? "spec.initContainers{" : "spec.containers{") + r.name + "}";
        String image = spec.path("image").asText();
        if (r.crashBackoff.waiting(now) && r.last != null) {
            r.waiting("CrashLoopBackOff", "back-off " + r.crashBackoff.current().toSeconds()
                    + "s restarting failed container=" + r.name + " pod=" + name(pod) + "_" + namespace(pod)
                    + "(" + uid + ")");
            node.events().event(pod, fieldPath, EventRecorder.WARNING, "BackOff", "Back-off restarting failed container "
                    + r.name + " in pod " + name(pod) + "_" + namespace(pod) + "(" + uid + ")");
            return Duration.between(now, r.crashBackoff.until());
        }
        if (r.pullBackoff.waiting(now)) {
            r.waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\"");
            node.events().event(pod, fieldPath, EventRecorder.NORMAL, "BackOff", "Back-off pulling image \"" + image
                    + "\"");
            return Duration.between(now, r.pullBackoff.until());
        }
        String policy = spec.path("imagePullPolicy").asText(image.endsWith(":latest") || !image.contains(":")
                ? "Always" : "IfNotPresent");
        ContainerEngine.ImageInfo info;
        Instant pullStart = node.clock().instant();
        try {
            info = engine.ensureImage(image, policy, node.pullSecrets(pod));
        } catch (ContainerEngine.ImagePullException e) {
            r.pullBackoff.failed(now);
            r.waiting("ErrImagePull", e.getMessage());
            node.events().event(pod, fieldPath, EventRecorder.WARNING, "Failed", "Failed to pull image \"" + image
                    + "\": " + e.getMessage());
            node.events().event(pod, fieldPath, EventRecorder.WARNING, "Failed", "Error: ErrImagePull");
            return Duration.between(now, r.pullBackoff.until());
        }
        r.pullBackoff.reset();
        if (info.pulled()) {
            node.events().event(pod, fieldPath, EventRecorder.NORMAL, "Pulling", "Pulling image \"" + image + "\"");
            node.events().event(pod, fieldPath, EventRecorder.NORMAL, "Pulled", "Successfully pulled image \"" + image
                    + "\" in " + Duration.between(pullStart, node.clock().instant()).toMillis() + "ms");
        } else {
            node.events().event(pod, fieldPath, EventRecorder.NORMAL, "Pulled", "Container image \"" + image
                    + "\" already present on machine");
        }
        r.image = image;
        r.imageId = info.imageId();
        List<String> env;
        List<String> args;
        try {
            env = resolver(pod).resolve(info.env(), spec);
            args = ContainerCommand.args(spec, info, env);
        } catch (EnvResolver.ConfigException e) {
            r.waiting("CreateContainerConfigError", e.getMessage());
            node.events().event(pod, fieldPath, EventRecorder.WARNING, "Failed", "Error: " + e.getMessage());
            return RETRY;
        }
        if (r.last != null) {
            r.restartCount++;
        }
        r.attempt++;
        String containerId = containerId(r);
        Path log = logFile(pod, r);
        String workingDir = spec.path("workingDir").asText(info.workingDir() == null || info.workingDir().isEmpty()
                ? "/" : info.workingDir());
        try {
            node.remember(containerId, uid);
            r.containerId = containerId;
            save();
            engine.start(new ContainerEngine.Launch(containerId, pod, spec, info, sandbox, args, env, workingDir,
                    podDir, volumes, log));
        } catch (EnvResolver.ConfigException e) {
            r.containerId = null;
            node.forget(containerId);
            save();
            r.waiting("CreateContainerConfigError", e.getMessage());
            node.events().event(pod, fieldPath, EventRecorder.WARNING, "Failed", "Error: " + e.getMessage());
            return RETRY;
        } catch (RuntimeException e) {
            r.containerId = null;
            node.forget(containerId);
            engine.remove(containerId);
            save();
            r.waiting("RunContainerError", e.getMessage());
            r.last = new ContainerRecord.Termination(128, "StartError", e.getMessage(), null, node.clock().instant(),
                    containerId);
            r.crashBackoff.failed(now);
            node.events().event(pod, fieldPath, EventRecorder.WARNING, "Failed", "Error: " + e.getMessage());
            return Duration.between(now, r.crashBackoff.until());
        }
        r.clearWaiting();
        if (!r.init) {
            probes.ensure(r.name, containerId, spec, sandbox.podIp(), engine);
        }
        node.events().event(pod, fieldPath, EventRecorder.NORMAL, "Created", "Created container " + r.name);
        node.events().event(pod, fieldPath, EventRecorder.NORMAL, "Started", "Started container " + r.name);
        JsonNode postStart = spec.path("lifecycle").path("postStart");
        if (!postStart.isMissingNode() && !postStart.isNull()) {
            try {
                LifecycleHooks.run(postStart, spec, sandbox.podIp(), engine, containerId, Duration.ofSeconds(30));
            } catch (LifecycleHooks.HookFailure e) {
                // as the kubelet: the container is killed and its restart policy decides what follows
                node.events().event(pod, fieldPath, EventRecorder.WARNING, "FailedPostStartHook", e.getMessage());
                engine.stop(containerId, Duration.ZERO);
            }
        }
        return PodWorkers.RESYNC;
    }

    private static JsonNode containerSpec(ObjectNode pod, String name) {
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : pod.path("spec").path(list)) {
                if (c.path("name").asText().equals(name)) {
                    return c;
                }
            }
        }
        return null;
    }

    /** The kubelet's layout: logs/NAMESPACE_NAME_UID/CONTAINER/RESTARTS.log. */
    private Path logFile(ObjectNode pod, ContainerRecord r) {
        return PodLogs.dir(node.logsDir(), pod).resolve(r.name).resolve(r.restartCount + ".log");
    }

    private String containerId(ContainerRecord r) {
        return (uid + "-" + r.name + "-" + r.attempt).toLowerCase(java.util.Locale.ROOT);
    }

    private EnvResolver resolver(ObjectNode pod) {
        return new EnvResolver(pod, node.sources(pod), node.hostIp(), sandbox == null ? null : sandbox.podIp(),
                node.allocatable());
    }

    /** Stops every container (events Killing), within {@code grace}. */
    private void stopAll(ObjectNode pod, Duration grace) {
        Instant stopping = node.clock().instant();
        List<String> running = new ArrayList<>();
        List<Thread> preStops = new ArrayList<>();
        for (ContainerRecord r : records.values()) {
            String id = r.containerId;
            if (id != null && engine.state(id) instanceof ContainerEngine.ContainerRun.Running) {
                String fieldPath = (r.init ? "spec.initContainers{" : "spec.containers{") + r.name + "}";
                if (pod != null) {
                    node.events().event(pod, fieldPath, EventRecorder.NORMAL, "Killing",
                            "Stopping container " + r.name);
                }
                JsonNode spec = pod == null ? null : containerSpec(pod, r.name);
                JsonNode preStop = spec == null ? null : spec.path("lifecycle").get("preStop");
                // the preStop handler runs first and counts against the grace period; then SIGTERM. With no grace
                // period at all (a hard eviction) it is skipped, as the kubelet's killContainer does: it could only fail
                preStops.add(Thread.ofVirtual().start(() -> {
                    if (preStop != null && !preStop.isNull() && grace.isPositive()) {
                        try {
                            LifecycleHooks.run(preStop, spec, sandbox == null ? null : sandbox.podIp(), engine, id,
                                    grace);
                        } catch (LifecycleHooks.HookFailure e) {
                            node.events().event(pod, fieldPath, EventRecorder.WARNING, "FailedPreStopHook",
                                    e.getMessage());
                        }
                    }
                    engine.terminate(id);
                }));
                running.add(id);
            }
        }
        for (Thread t : preStops) {
            try {
                t.join(Math.max(1, Duration.between(node.clock().instant(), stopping.plus(grace)).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // SIGTERM went out; whatever still runs when the grace period ends is killed. A second deletion with a
        // shorter grace period (kubectl delete --grace-period=1 after a plain delete) brings that moment closer.
        Instant deadline = stopping.plus(grace);
        long shortest = grace.toSeconds();
        while (!running.isEmpty() && node.clock().instant().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            running.removeIf(id -> !(engine.state(id) instanceof ContainerEngine.ContainerRun.Running));
            ObjectNode now = latest.get();
            long seconds = now == null ? shortest
                    : now.path("metadata").path("deletionGracePeriodSeconds").asLong(shortest);
            if (seconds < shortest) {
                shortest = seconds;
                Instant sooner = node.clock().instant().plusSeconds(Math.max(0, seconds));
                if (sooner.isBefore(deadline)) {
                    deadline = sooner;
                }
            }
        }
        List<Thread> kills = new ArrayList<>();
        for (String id : running) {
            kills.add(Thread.ofVirtual().start(() -> engine.stop(id, Duration.ZERO)));
        }
        for (Thread t : kills) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (ContainerRecord r : records.values()) {
            if (r.containerId != null) {
                ContainerEngine.ContainerRun run = engine.state(r.containerId);
                if (run instanceof ContainerEngine.ContainerRun.Exited exited && pod != null) {
                    r.finished = new ContainerRecord.Termination(exited.exitCode(), exited.reason(), null,
                            exited.startedAt(), exited.finishedAt(), r.containerId);
                }
                engine.remove(r.containerId);
                node.forget(r.containerId);
                r.containerId = null;
            }
        }
        if (pod != null && !records.isEmpty()) {
            save();
        }
    }

    /**
     * The pod is being deleted (or already is): stop, release, and, while it is still in the API, let the API
     * server forget it.
     */
    private void terminate(ObjectNode pod, boolean inApi) {
        probes.close();
        Duration grace = Duration.ofSeconds(30);
        if (pod != null) {
            long seconds = pod.path("metadata").path("deletionGracePeriodSeconds").asLong(
                    pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
            grace = Duration.ofSeconds(Math.max(0, seconds));
        }
        stopAll(pod, grace);
        engine.removeSandbox(uid);
        sandbox = null;
        if (pod != null) {
            new PodVolumes(podDir.resolve("volumes"), pod, node.sources(pod), resolver(pod), node.mounts()).tearDown();
        }
        try {
            AtomicDirectoryWriter.deleteTree(podDir);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", podDir, e.toString());
        }
        if (inApi) {
            try {
                node.client().delete(NodeHeartbeat.REGISTRY.byKind("v1", "Pod").orElseThrow(), namespace(pod),
                        name(pod), DeleteRequest.now().withUid(uid));
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 409) {
                    throw e;
                }
            }
        }
    }

    /**
     * The node evicts the pod: the Warning event Evicted, its containers killed at once (a hard threshold grants no
     * grace period), its address given up, and it is reported Failed; its containers never start again. Once the
     * API has that status, its volumes and logs leave the disk, as the kubelet cleans up an evicted pod before its
     * eviction manager looks again. A pod that finished on its own since the manager picked it keeps its own
     * phase: the kubelet never moves a pod out of a terminal one. Returns when to look again.
     */
    private Duration evict(ObjectNode pod, PodEvictions.Request eviction) {
        Instant now = node.clock().instant();
        if (!evictionAnnounced && finishedOnItsOwn(pod, now)) {
            LOG.info("pod {}/{} finished before its eviction: not evicted", namespace(pod), name(pod));
            if (reportStatus(pod, now)) {
                eviction.done().complete(null);
                return PodWorkers.RESYNC;
            }
            return RETRY;
        }
        if (!evictionAnnounced) {
            node.events().event(pod, EventRecorder.WARNING, "Evicted", eviction.message());
            evictionAnnounced = true;
        }
        probes.close();
        stopAll(pod, Duration.ZERO);
        engine.removeSandbox(uid);
        sandbox = null;
        if (!reportStatus(pod, node.clock().instant(), eviction.message())) {
            return RETRY;
        }
        evicted = true;
        releaseDisk(pod);
        eviction.done().complete(null);
        return PodWorkers.RESYNC;
    }

    /**
     * Whether the pod is in a terminal phase by the API or by what its containers did: one that ended on its own
     * and that its restart policy leaves ended is recorded as finished here, as the next sync would.
     */
    private boolean finishedOnItsOwn(ObjectNode pod, Instant now) {
        if (terminal(pod) || lastStatus != null && terminal(lastStatus.path("phase").asText(""))) {
            return true;
        }
        String restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
        for (ContainerRecord r : records.values()) {
            if (!r.init && r.finished == null && observe(r) instanceof ContainerEngine.ContainerRun.Exited exited) {
                endedRegular(pod, r, exited, restartPolicy);
            }
        }
        return terminal(status(pod, now, null).path("phase").asText(""));
    }

    private static boolean terminal(ObjectNode pod) {
        return terminal(pod.path("status").path("phase").asText(""));
    }

    private static boolean terminal(String phase) {
        return phase.equals("Succeeded") || phase.equals("Failed");
    }

    /**
     * Removes what an evicted pod holds on the node's disk: its volumes (tmpfs unmounted, directories deleted) and
     * its container logs. The pod's state file stays: it is what its status (kubectl get pod) is built from.
     */
    private void releaseDisk(ObjectNode pod) {
        try {
            new PodVolumes(podDir.resolve("volumes"), pod, node.sources(pod), resolver(pod), node.mounts()).tearDown();
            AtomicDirectoryWriter.deleteTree(podDir.resolve("volumes"));
            AtomicDirectoryWriter.deleteTree(PodLogs.dir(node.logsDir(), pod));
            diskReleased = true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the volumes and logs of evicted pod {}/{}: {}", namespace(pod), name(pod),
                    e.toString());
        }
    }

    private boolean reportStatus(ObjectNode pod, Instant now) {
        return reportStatus(pod, now, null);
    }

    /** The status the pod has by what the worker knows of its containers now. */
    private ObjectNode status(ObjectNode pod, Instant now, String evictedMessage) {
        List<PodStatusBuilder.Observed> init = new ArrayList<>();
        List<PodStatusBuilder.Observed> regular = new ArrayList<>();
        for (ContainerRecord r : records.values()) {
            ContainerEngine.ContainerRun run = r.containerId == null ? null : engine.state(r.containerId);
            boolean running = run instanceof ContainerEngine.ContainerRun.Running;
            (r.init ? init : regular).add(new PodStatusBuilder.Observed(r, run, running && probes.ready(r.name),
                    running && probes.started(r.name)));
        }
        return node.statusBuilder().build(engine.handler(), pod, init, regular, node.hostIp(),
                sandbox == null ? null : sandbox.podIp(), startTime, sandbox != null, evictedMessage, now);
    }

    /**
     * Writes the pod's status if it changed.
     *
     * @param evictedMessage why the node evicted the pod, or null when it did not
     * @return whether the API has the status now (or the pod is gone from it)
     */
    private boolean reportStatus(ObjectNode pod, Instant now, String evictedMessage) {
        ObjectNode status = status(pod, now, evictedMessage);
        if (status.equals(lastStatus) || sameAsReported(pod, status)) {
            lastStatus = status;
            return true;
        }
        try {
            node.client().patchWithoutResult(NodeHeartbeat.REGISTRY.byKind("v1", "Pod").orElseThrow(),
                    namespace(pod), name(pod), "status", PatchKind.STRATEGIC,
                    Json.object().set("status", PodStatusBuilder.patch(status)));
            lastStatus = status;
            return true;
        } catch (ApiException e) {
            if (e.code() == 404) {
                return true;
            }
            LOG.warn("status of pod {}/{} not written: {}", namespace(pod), name(pod), e.getMessage());
            return false;
        }
    }

    private static boolean sameAsReported(ObjectNode pod, ObjectNode status) {
        JsonNode reported = pod.path("status");
        for (var e : status.properties()) {
            boolean same = e.getKey().equals("conditions")
                    ? byType(e.getValue()).equals(byType(reported.get("conditions")))
                    : e.getValue().equals(reported.get(e.getKey()));
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** Conditions by type: the API keeps them in its own order (a patch merges them by type). */
    private static Map<String, JsonNode> byType(JsonNode conditions) {
        Map<String, JsonNode> out = new java.util.HashMap<>();
        if (conditions != null) {
            conditions.forEach(c -> out.put(c.path("type").asText(), c));
        }
        return out;
    }

    private void ensureRecords(ObjectNode pod) {
        boolean added = false;
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            added |= records.putIfAbsent(c.path("name").asText(), new ContainerRecord(c.path("name").asText(), true)) == null;
        }
        for (JsonNode c : pod.path("spec").path("containers")) {
            added |= records.putIfAbsent(c.path("name").asText(), new ContainerRecord(c.path("name").asText(), false)) == null;
        }
        if (added) {
            save();
        }
    }

    /** Reads what an earlier run of the agent knew of this pod. */
    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        Path state = podDir.resolve("state.json");
        if (!Files.exists(state)) {
            return;
        }
        try {
            JsonNode saved = Json.MAPPER.readTree(state.toFile());
            String started = saved.path("startTime").asText("");
            savedHandler = saved.hasNonNull("handler") ? saved.path("handler").asText() : null;
            startTime = started.isEmpty() ? null : Instant.parse(started);
            for (JsonNode c : saved.path("containers")) {
                ContainerRecord r = ContainerRecord.fromJson(c);
                records.put(r.name, r);
                if (r.containerId != null) {
                    node.remember(r.containerId, uid);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable pod state {}: {}", state, e.toString());
        }
    }

    private void save() {
        ObjectNode saved = Json.object();
        if (engine != null) {
            saved.put("handler", engine.handler());
        }
        if (startTime != null) {
            saved.put("startTime", startTime.toString());
        }
        ArrayNode containers = saved.putArray("containers");
        records.values().forEach(r -> containers.add(r.toJson()));
        try {
            Files.createDirectories(podDir);
            Path tmp = podDir.resolve("state.json.tmp");
            Files.write(tmp, Json.bytes(saved));
            Files.move(tmp, podDir.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the state of pod " + uid, e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String name(ObjectNode pod) {
        return pod.path("metadata").path("name").asText();
    }

    private static String namespace(ObjectNode pod) {
        return pod.path("metadata").path("namespace").asText();
    }
}
