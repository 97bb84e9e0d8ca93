package io.gantry.network.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The host's iproute2 tools ({@code ip}, {@code bridge}), in this process' network namespace or a named one. */
public final class IpRoute2 {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<String> namespace;
    private final ProcessRunner runner = new ProcessRunner(TIMEOUT);

    /** @param netns a network namespace name (for tests that play several hosts), or null for this process' own */
    public IpRoute2(String netns) {
        this.namespace = netns == null ? List.of() : List.of("-n", netns);
    }

    /** {@code ip ARGS...}; the result tells success (e.g. of a {@code show}). */
    public ProcessResult ip(String... arguments) throws IOException {
        return run("ip", arguments);
    }

    /** {@code bridge ARGS...}. */
    public ProcessResult bridge(String... arguments) throws IOException {
        return run("bridge", arguments);
    }

    /** Fails with the tool's own message when {@code result} is a failure. */
    public static void require(ProcessResult result) throws IOException {
        if (!result.succeeded()) {
            throw new IOException(result.describeFailure());
        }
    }

    private ProcessResult run(String tool, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(HostExecutables.fromEnvironment().require(tool, "iproute2").toString());
        command.addAll(namespace);
        command.addAll(List.of(arguments));
        return runner.run(command, env -> { }, new byte[0]);
    }
}
