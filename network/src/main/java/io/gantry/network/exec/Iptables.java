package io.gantry.network.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The host's iptables: single rules, rule sets through iptables-restore, and table dumps. */
public final class Iptables {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How long to wait for the xtables lock another program holds. */
    private static final String WAIT_SECONDS = "5";

    private final ProcessRunner runner = new ProcessRunner(TIMEOUT);

    /** {@code iptables -t TABLE ARGS...}; the result tells success (e.g. of a -C check). */
    public ProcessResult run(String table, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(tool("iptables"), "-w", WAIT_SECONDS, "-t", table));
        command.addAll(List.of(arguments));
        return runner.run(command, env -> { }, new byte[0]);
    }

    /** As {@link #run}, failing with the tool's own message when the command fails. */
    public void require(String what, String table, String... arguments) throws IOException {
        requireSuccess(what, run(table, arguments));
    }

    /** Applies {@code rules} (iptables-save format) with --noflush: only the chains they declare are replaced. */
    public void restore(String what, String rules) throws IOException {
        requireSuccess(what, runner.run(List.of(tool("iptables-restore"), "-w", WAIT_SECONDS, "--noflush"),
                env -> { }, rules.getBytes(StandardCharsets.UTF_8)));
    }

    /** The table as iptables-save prints it. */
    public String save(String table) throws IOException {
        ProcessResult result = runner.run(List.of(tool("iptables-save"), "-t", table), env -> { }, new byte[0]);
        requireSuccess("reading the " + table + " table", result);
        return result.stdout();
    }

    /**
     * Creates {@code chain} when it is missing. Unlike declaring it in a restore input, never flushes it: for a
     * chain that another part of the node fills.
     */
    public void ensureChain(String table, String chain) throws IOException {
        if (!exists(table, chain)) {
            ProcessResult created = run(table, "-N", chain);
            if (!created.succeeded() && !exists(table, chain)) { // unless someone else just made it
                requireSuccess("creating chain " + chain, created);
            }
        }
    }

    /** Whether {@code chain} exists; lists at most its first rule, however long it is. */
    public boolean exists(String table, String chain) throws IOException {
        return run(table, "-S", chain, "1").succeeded();
    }

    /** Inserts {@code rule} at the top of {@code chain} unless it is there already. */
    public void ensureFirst(String table, String chain, List<String> rule) throws IOException {
        List<String> check = new ArrayList<>(List.of("-C", chain));
        check.addAll(rule);
        if (!run(table, check.toArray(String[]::new)).succeeded()) {
            List<String> insert = new ArrayList<>(List.of("-I", chain));
            insert.addAll(rule);
            require("adding a rule to " + table + " " + chain, table, insert.toArray(String[]::new));
        }
    }

    /** Deletes every copy of {@code rule} from {@code chain}; nothing happens when there is none. */
    public void deleteAll(String table, String chain, List<String> rule) throws IOException {
        List<String> check = new ArrayList<>(List.of("-C", chain));
        check.addAll(rule);
        List<String> delete = new ArrayList<>(List.of("-D", chain));
        delete.addAll(rule);
        for (int i = 0; i < 100 && run(table, check.toArray(String[]::new)).succeeded(); i++) {
            require("removing a rule from " + table + " " + chain, table, delete.toArray(String[]::new));
        }
    }

    /** Flushes and deletes {@code chain} when it exists. */
    public void deleteChain(String table, String chain) throws IOException {
        if (run(table, "-S", chain).succeeded()) {
            require("flushing chain " + chain, table, "-F", chain);
            require("removing chain " + chain, table, "-X", chain);
        }
    }

    private static String tool(String name) throws IOException {
        return HostExecutables.fromEnvironment().require(name, "iptables").toString();
    }

    private static void requireSuccess(String what, ProcessResult result) throws IOException {
        if (!result.succeeded()) {
            throw new IOException(what + " failed: " + String.join(" ", result.command()) + " exited "
                    + result.exitCode() + ": " + result.stderr().strip());
        }
    }
}
