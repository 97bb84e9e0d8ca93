package io.gantry.network.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.network.exec.ProcessResult;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A named network namespace of a test's own ("gtns" + random hex): whatever a test does to its nftables or
 * iptables stays there, and {@link #close()} deletes it with everything in it.
 */
public final class PrivateNetns implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    public final String name;

    public PrivateNetns() {
        HostCommands.requireTools();
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        name = "gtns" + HexFormat.of().formatHex(bytes);
        HostCommands.ok("ip", "netns", "add", name);
    }

    /** What runs a command in the namespace: {@code ip netns exec NAME}. */
    public List<String> prefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Runs {@code command} in the namespace. */
    public ProcessResult run(String... command) {
        List<String> full = new ArrayList<>(prefix());
        full.addAll(List.of(command));
        return HostCommands.run(full.toArray(String[]::new));
    }

    /** As {@link #run}, failing the test unless the command succeeds; returns what it printed. */
    public String ok(String... command) {
        List<String> full = new ArrayList<>(prefix());
        full.addAll(List.of(command));
        return HostCommands.ok(full.toArray(String[]::new));
    }

    @Override
    public void close() {
        HostCommands.run("ip", "netns", "del", name);
        assertThat(HostCommands.ok("ip", "netns", "list")).as("network namespace %s left behind", name)
                .doesNotContain(name);
    }
}
