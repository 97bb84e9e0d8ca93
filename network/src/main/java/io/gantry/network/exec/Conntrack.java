package io.gantry.network.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The host's connection tracking table, through {@code conntrack} (Debian package conntrack, as kube-proxy uses). */
public final class Conntrack {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ProcessRunner runner = new ProcessRunner(TIMEOUT);

    /**
     * Deletes the UDP flows {@code filter} matches; deleting none is no failure.
     *
     * @throws IOException when conntrack is missing or fails
     */
    public void deleteUdp(FlowFilter filter) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                HostExecutables.fromEnvironment().require("conntrack", "conntrack").toString(), "-D", "-p", "udp"));
        command.addAll(filter.arguments());
        ProcessResult result = runner.run(command, env -> { }, new byte[0]);
        // conntrack exits 1 and says "0 flow entries have been deleted" when nothing matched
        if (!result.succeeded() && !result.stderr().contains(" 0 flow entries")) {
            throw new IOException(result.describeFailure());
        }
    }

    /**
     * Which flows to delete: those to {@code destination} (an address, or null for any) and {@code port} (0 for
     * any), whose replies come from {@code replySource} (the endpoint they were sent to; null for any).
     */
    public record FlowFilter(String destination, int port, String replySource) {
        List<String> arguments() {
            List<String> out = new ArrayList<>();
            if (destination != null) {
                out.addAll(List.of("--orig-dst", destination));
            }
            if (port > 0) {
                out.addAll(List.of("--orig-port-dst", String.valueOf(port)));
            }
            if (replySource != null) {
                out.addAll(List.of("--reply-src", replySource));
            }
            return out;
        }
    }
}
