package io.gantry.runtime;

import java.util.List;
import java.util.Objects;

/**
 * A command to run in a running container ({@code kubectl exec}). It runs with the container's user, capabilities and
 * security settings.
 *
 * @param args the command line
 * @param env  entries ({@code KEY=VALUE}) added to, or overriding, the container's environment
 * @param cwd  working directory, or null for the container's
 * @param tty  whether the command runs on a terminal; the process is then a {@link TerminalProcess}
 */
public record ExecRequest(List<String> args, List<String> env, String cwd, boolean tty) {

    public ExecRequest {
        args = List.copyOf(Objects.requireNonNull(args, "args"));
        if (args.isEmpty()) {
            throw new IllegalArgumentException("exec needs a command: args must not be empty");
        }
        env = List.copyOf(Objects.requireNonNull(env, "env"));
        for (String entry : env) {
            if (entry.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entries must look like KEY=VALUE, got '" + entry + "'");
            }
        }
        if (cwd != null && !cwd.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be an absolute path, got '" + cwd + "'");
        }
    }

    /** The command with the container's environment and working directory, without a terminal. */
    public static ExecRequest of(String... args) {
        return new ExecRequest(List.of(args), List.of(), null, false);
    }
}
