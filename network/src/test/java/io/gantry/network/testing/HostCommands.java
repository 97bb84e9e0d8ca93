package io.gantry.network.testing;

import static org.assertj.core.api.Assertions.fail;

import io.gantry.network.exec.ProcessResult;
import io.gantry.network.exec.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs host tools for tests; a missing tool fails the test with a message saying what to install. */
public final class HostCommands {

    private static final ProcessRunner RUNNER = new ProcessRunner(Duration.ofSeconds(20));

    private HostCommands() {
    }

    public static ProcessResult run(String... command) {
        try {
            return RUNNER.run(List.of(command));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        }
    }

    /** Runs the command and fails the test unless it exits with 0. */
    public static String ok(String... command) {
        ProcessResult result = run(command);
        if (!result.succeeded()) {
            fail(result.describeFailure());
        }
        return result.stdout();
    }

    /** Fails loudly (never skips) when a tool the integration tests need is not installed. */
    public static void requireTools() {
        requireFile("/usr/lib/cni/bridge", "containernetworking-plugins");
        requireFile("/usr/lib/cni/host-local", "containernetworking-plugins");
        requireFile("/usr/lib/cni/portmap", "containernetworking-plugins");
        requireFile("/bin/busybox", "busybox-static");
        for (String[] tool : List.of(new String[] {"ip", "iproute2"}, new String[] {"iptables", "iptables"},
                new String[] {"iptables-save", "iptables"}, new String[] {"nft", "nftables"},
                new String[] {"conntrack", "conntrack"},
                new String[] {"nsenter", "util-linux"}, new String[] {"unshare", "util-linux"},
                new String[] {"mount", "util-linux"})) {
            if (!run("sh", "-c", "command -v " + tool[0]).succeeded()) {
                fail("the integration tests need '" + tool[0] + "' (Debian package " + tool[1] + "); install it");
            }
        }
        if (!"0".equals(ok("id", "-u").strip())) {
            fail("the integration tests create namespaces, bridges and iptables rules and must run as root");
        }
    }

    private static void requireFile(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            fail("the integration tests need " + path + " (Debian package " + debianPackage + "); install it");
        }
    }
}
