package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the pod workers need from a way of running containers: a pod sandbox (its shared namespaces and its
 * network), images, and containers that can be started, watched and stopped. One implementation per
 * RuntimeClass handler: OCI containers with runc, or plain host processes.
 */
public interface ContainerEngine extends AutoCloseable {
    /** The RuntimeClass handler name this engine serves. */
    String handler();

    /** "runc://1.1.5"-style version for the Node's nodeInfo. */
    String version();

    /** Whether pods of this engine get addresses from the node's podCIDR (host-network engines do not). */
    boolean needsPodCidr();

    /** The node's pod network, known once the control plane allocated its podCIDR; called before the first sandbox. */
    void configureNetwork(NodePodNetwork network);

    /** {@code listener} gets the id of every container that exits, from a thread of the engine's. */
    void onExit(java.util.function.Consumer<String> listener);

    /** Sets up the pod's sandbox if it is not; idempotent. Returns its address. */
    Sandbox ensureSandbox(ObjectNode pod, Path podDir);

    /** Releases everything of the sandbox; idempotent, also for a half set-up one. */
    void removeSandbox(String podUid);

    /** The uids of the pods that have a sandbox, for cleanup after a restart. */
    Set<String> sandboxes();

    /** Makes the image available per the pull policy; blocking. */
    ImageInfo ensureImage(String image, String pullPolicy, List<RegistryAuth> auths) throws ImagePullException;

    /** Creates and starts a container; returns its runtime id. */
    String start(Launch launch);

    /**
     * Makes sure the container's output reaches its log file (the CRI format kubectl logs reads): called for
     * containers an earlier run of the agent started.
     */
    void attachLogs(String containerId, Path logFile);

    /** What the container does now. */
    ContainerRun state(String containerId);

    /**
     * Runs a command in the running container (kubectl exec); its streams are the caller's. With {@code tty} the
     * command runs on a terminal and the process is a {@link io.gantry.runtime.TerminalProcess}, which can be
     * resized.
     */
    Process exec(String containerId, List<String> command, boolean tty);

    /** Writes to the stdin of the container's main process, when its spec asked for one ({@code stdin: true}). */
    java.util.Optional<java.io.OutputStream> stdin(String containerId);

    /** Resizes the terminal of a container that runs on one ({@code tty: true}). */
    void resize(String containerId, int columns, int rows) throws java.io.IOException;

    /** Closes the stdin of the container's main process for good ({@code stdinOnce}, after one attach). */
    void closeStdin(String containerId);

    /** Asks the container to stop (SIGTERM), without waiting. */
    void terminate(String containerId);

    /** SIGTERM, the grace period, SIGKILL; returns once it has stopped. */
    void stop(String containerId, Duration grace);

    /** Deletes a stopped container and what it held; idempotent. */
    void remove(String containerId);

    /** Ids of all containers this engine has, running or not. */
    Set<String> containers();

    /** Frees disk space held by images no pod uses, if the node is short of it. */
    default void collectImageGarbage(Set<String> imagesInUse) {
    }

    /** Removes every image no pod uses, whatever the thresholds: the node is under disk pressure. */
    default void deleteUnusedImages(Set<String> imagesInUse) {
    }

    /** Stops the engine's own background work; containers keep running (a new agent re-adopts them). */
    @Override
    default void close() {
    }

    /** A pod's sandbox: its IP (null for host network) and the namespace files containers join. */
    record Sandbox(String podIp, Map<String, Path> namespaces) {
    }

    /** Credentials for one registry, from a pod's imagePullSecrets. */
    record RegistryAuth(String dockerConfigJson) {
    }

    /**
     * An image ready to run, with what its config says about running it.
     *
     * @param imageId the config digest ("sha256:..."), reported as containerStatuses[].imageID
     * @param pulled  whether this call downloaded it (false: it was present)
     */
    record ImageInfo(String imageRef, String imageId, List<String> entrypoint, List<String> cmd, List<String> env,
                     String workingDir, String user, boolean pulled) {
    }

    /** Pulling failed; {@code message} is the registry's reason, as shown in ErrImagePull. */
    final class ImagePullException extends Exception {
        public ImagePullException(String message) {
            super(message);
        }
    }

    /** Everything needed to start one container of a pod. */
    record Launch(String containerId, ObjectNode pod, JsonNode container, ImageInfo image, Sandbox sandbox,
                  List<String> args, List<String> env, String workingDir, Path podDir, Map<String, Path> volumes,
                  Path logFile) {
    }

    /** A container's state as the runtime sees it. */
    sealed interface ContainerRun {
        record Created() implements ContainerRun {
        }

        record Running(Instant startedAt) implements ContainerRun {
        }

        record Exited(int exitCode, String reason, Instant startedAt, Instant finishedAt) implements ContainerRun {
        }

        record Missing() implements ContainerRun {
        }
    }
}
