package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.client.Informer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds a container of a pod on this node for the agent's endpoint: its log file, the kubelet's way (the current
 * instance's, or with {@code previous} the one before it), or its running instance for exec; and says why there
 * is none, as the kubelet's messages do.
 */
final class ContainerLocator {
    /** No log or running container to serve: {@code status} is the HTTP status the API server passes on. */
    static final class UnavailableException extends Exception {
        private final int status;

        UnavailableException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** A log file, whether its container runs now, and whether its writer may still add to it. */
    record Located(Path file, boolean running, java.util.function.BooleanSupplier writing) {
        boolean stillWriting() {
            return writing.getAsBoolean();
        }
    }

    private final Informer pods;
    private final Path logsDir;

    ContainerLocator(Informer pods, Path logsDir) {
        this.pods = pods;
        this.logsDir = logsDir;
    }

    Located locate(String namespace, String name, String container, boolean previous) throws UnavailableException {
        Optional<ObjectNode> found = pods.get(namespace, name);
        if (found.isEmpty()) {
            throw new UnavailableException(404, "pod \"" + name + "\" not found on this node");
        }
        ObjectNode pod = found.get();
        String uid = pod.path("metadata").path("uid").asText();
        JsonNode status = null;
        for (String list : List.of("containerStatuses", "initContainerStatuses")) {
            for (JsonNode s : pod.path("status").path(list)) {
                if (s.path("name").asText().equals(container)) {
                    status = s;
                }
            }
        }
        if (status == null) {
            throw new UnavailableException(400, "container \"" + container + "\" in pod \"" + name
                    + "\" is waiting to start: ContainerCreating");
        }
        int restarts = status.path("restartCount").asInt();
        boolean running = status.path("state").has("running");
        Path dir = logsDir.resolve(namespace + "_" + name + "_" + uid).resolve(container);
        if (previous) {
            if (!status.path("lastState").has("terminated") || restarts == 0) {
                throw new UnavailableException(400, "previous terminated container \"" + container + "\" in pod \"" + name
                        + "\" not found");
            }
            return new Located(dir.resolve((restarts - 1) + ".log"), false, () -> false);
        }
        Path file = dir.resolve(restarts + ".log");
        if (!Files.exists(file)) {
            String reason = status.path("state").path("waiting").path("reason").asText("ContainerCreating");
            throw new UnavailableException(400, "container \"" + container + "\" in pod \"" + name
                    + "\" is waiting to start: " + reason);
        }
        return new Located(file, running, () -> isRunning(namespace, name, container));
    }

    /** A running container: the RuntimeClass handler that runs it and its runtime id. */
    record Running(String handler, String containerId) {
    }

    /** The running container {@code container} of a pod on this node, for exec. */
    Running running(String namespace, String name, String container) throws UnavailableException {
        ObjectNode pod = pods.get(namespace, name).orElseThrow(() ->
                new UnavailableException(404, "pod \"" + name + "\" not found on this node"));
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            if (s.path("name").asText().equals(container)) {
                String id = s.path("containerID").asText("");
                int sep = id.indexOf("://");
                if (!s.path("state").has("running") || sep < 0) {
                    throw new UnavailableException(400, "container " + container + " is not running");
                }
                return new Running(id.substring(0, sep), id.substring(sep + 3));
            }
        }
        throw new UnavailableException(400, "container " + container + " is not valid for pod " + name);
    }

    /** The container's spec in the pod. */
    JsonNode spec(String namespace, String name, String container) throws UnavailableException {
        ObjectNode pod = pods.get(namespace, name).orElseThrow(() ->
                new UnavailableException(404, "pod \"" + name + "\" not found on this node"));
        for (JsonNode c : pod.path("spec").path("containers")) {
            if (c.path("name").asText().equals(container)) {
                return c;
            }
        }
        throw new UnavailableException(400, "container " + container + " is not valid for pod " + name);
    }

    private boolean isRunning(String namespace, String name, String container) {
        return pods.get(namespace, name).map(p -> {
            for (JsonNode s : p.path("status").path("containerStatuses")) {
                if (s.path("name").asText().equals(container)) {
                    return s.path("state").has("running");
                }
            }
            return false;
        }).orElse(false);
    }
}
