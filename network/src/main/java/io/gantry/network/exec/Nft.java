package io.gantry.network.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's nftables through the {@code nft} tool: scripts applied as one transaction ({@code nft -f -}), and
 * listings.
 */
public final class Nft {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final ProcessRunner runner = new ProcessRunner(TIMEOUT);
    private final List<String> prefix;

    /** The nftables of this process' network namespace. */
    public Nft() {
        this(List.of());
    }

    /**
     * @param prefix what runs {@code nft} elsewhere, e.g. {@code ip netns exec NAME} for the nftables of a named
     *               network namespace
     */
    public Nft(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /** {@code nft ARGS...}; the result tells success. */
    public ProcessResult run(String... arguments) throws IOException {
        List<String> command = command();
        command.addAll(List.of(arguments));
        return runner.run(command, env -> { }, new byte[0]);
    }

    /** Applies {@code script} ({@code nft -f} syntax) as one transaction: all of it or, on any error, none. */
    public void apply(String what, String script) throws IOException {
        requireSuccess(what, applyResult(script));
    }

    /** As {@link #apply}, returning the result instead of failing. */
    public ProcessResult applyResult(String script) throws IOException {
        return script(script);
    }

    /** Checks {@code script} against the current ruleset and the kernel without committing it ({@code nft -c}). */
    public ProcessResult check(String script) throws IOException {
        return script(script, "-c");
    }

    /** {@code nft OPTIONS... -f -} with {@code script} on its standard input, e.g. list commands with -t. */
    public ProcessResult script(String script, String... options) throws IOException {
        List<String> command = command();
        command.addAll(List.of(options));
        command.addAll(List.of("-f", "-"));
        return runner.run(command, env -> { }, script.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> command() throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(HostExecutables.fromEnvironment().require("nft", "nftables").toString());
        return command;
    }

    private static void requireSuccess(String what, ProcessResult result) throws IOException {
        if (!result.succeeded()) {
            throw new IOException(what + " failed: " + String.join(" ", result.command()) + " exited "
                    + result.exitCode() + ": " + firstLines(result.stderr().strip(), 20));
        }
    }

    /** An nft error on a long script quotes lines of it; a few are enough to say what went wrong. */
    private static String firstLines(String text, int lines) {
        List<String> all = text.lines().toList();
        return all.size() <= lines ? text
                : String.join("\n", all.subList(0, lines)) + "\n... (" + (all.size() - lines) + " more lines)";
    }
}
