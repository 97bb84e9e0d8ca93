package io.gantry.runtime;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs containers on this node. Implementations are thread-safe; operations on one container are serialized.
 * Containers outlive the runtime object (and the agent process): a new instance over the same state re-adopts them
 * through {@link #list()} and {@link #state(String)}.
 */
public interface ContainerRuntime extends AutoCloseable {

    /**
     * Prepares the container (root filesystem, OCI bundle, cgroup, namespaces) with its init process waiting to be
     * started. On failure nothing is left behind.
     *
     * @throws ContainerRuntimeException with the OCI runtime's reason, e.g. when args[0] does not exist in the image
     */
    ContainerState.Created create(ContainerConfig config);

    /** Starts the main process of a created container. */
    void start(String id);

    /** Sends a signal to the container's main process (see {@link Signals}). */
    void kill(String id, int signal);

    /**
     * Stops the container gracefully: SIGTERM, up to {@code grace} to exit on its own, then SIGKILL.
     *
     * @return the final state (normally {@link ContainerState.Stopped})
     */
    ContainerState stop(String id, Duration grace);

    /**
     * Removes the container: kills it if still running, unmounts its root filesystem, removes its cgroup and bundle.
     * Deleting a container that is already gone is not an error.
     */
    void delete(String id);

    /** The container's state; {@link ContainerState.Unknown} for an id this runtime does not know. */
    ContainerState state(String id);

    /** Ids of every container this runtime's state holds, running or not, sorted. */
    List<String> list();

    /**
     * Runs a command in a running container. The returned process' streams are the command's stdin, stdout and
     * stderr; {@link Process#waitFor()} gives its exit code.
     */
    Process exec(String id, ExecRequest request);

    /**
     * Writes to the main process' stdin, for a container created with {@link ContainerConfig#openStdin()}; empty
     * for others. Closing the stream leaves the process' stdin open for later writers.
     */
    java.util.Optional<java.io.OutputStream> stdin(String id);

    /**
     * Resizes the terminal of a container created with {@link ContainerConfig#terminal()}.
     *
     * @throws java.io.IOException when the container has no terminal this runtime holds
     */
    void resize(String id, int columns, int rows) throws java.io.IOException;

    /** Closes the main process' stdin for good (it reads end of file), as {@code stdinOnce} asks after one attach. */
    void closeStdin(String id);

    /**
     * Registers a listener told the id of a container whose main process has exited, once the exit is recorded (so
     * {@link #state(String)} answers {@link ContainerState.Stopped}). It runs on the runtime's own thread and must not
     * block; it may be told about one exit more than once. Exits the runtime cannot observe (containers whose init
     * was an earlier agent's child) are reported only when {@link #state(String)} notices them.
     */
    void onExit(Consumer<String> listener);

    /** Stops background work of this object; containers keep running. */
    @Override
    void close();
}
