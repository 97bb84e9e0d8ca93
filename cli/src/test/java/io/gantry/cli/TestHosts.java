package io.gantry.cli;

import static io.gantry.network.testing.HostCommands.ok;
import static io.gantry.network.testing.HostCommands.run;

import io.gantry.network.testing.HostCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hosts for a multi-node cluster on one machine: network namespaces, each joined by a veth pair to a test bridge in
 * this namespace, which holds {@code 198.18.N.1/24} (the benchmarking range, RFC 2544, that no real network uses);
 * host {@code i} holds {@code 198.18.N.(10+i)}. The namespaces get no default route: nothing a host does can leave
 * the machine. Closing deletes the namespaces (and with them every device, route and rule made inside them), the
 * bridge and the one FORWARD rule that lets bridged traffic between the hosts pass the machine's own firewall.
 */
final class TestHosts implements AutoCloseable {
    final String bridge;
    final String subnetPrefix;
    final List<String> namespaces = new ArrayList<>();
    private final List<String> forwardRule;

    TestHosts(int count) {
        HostCommands.requireTools();
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        bridge = "gh" + suffix;
        subnetPrefix = "198.18." + ThreadLocalRandom.current().nextInt(1, 250) + ".";
        forwardRule = List.of("FORWARD", "-i", bridge, "-o", bridge, "-m", "comment", "--comment",
                "gantry test hosts", "-j", "ACCEPT");
        try {
            ok("ip", "link", "add", bridge, "type", "bridge");
            ok("ip", "addr", "add", gateway() + "/24", "dev", bridge);
            ok("ip", "link", "set", bridge, "up");
            List<String> insert = new ArrayList<>(List.of("iptables", "-I"));
            insert.addAll(forwardRule);
            ok(insert.toArray(String[]::new));
            for (int i = 1; i <= count; i++) {
                String ns = bridge + "-" + i;
                ok("ip", "netns", "add", ns);
                namespaces.add(ns);
                String hostSide = bridge + "h" + i;
                ok("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
                ok("ip", "link", "set", hostSide, "master", bridge, "up");
                ok("ip", "-n", ns, "link", "set", "lo", "up");
                ok("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
                ok("ip", "-n", ns, "link", "set", "eth0", "up");
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** This machine's address on the bridge: where the hosts reach the control plane. */
    String gateway() {
        return subnetPrefix + "1";
    }

    /** Host {@code i}'s address (from 1). */
    String address(int i) {
        return subnetPrefix + (10 + i);
    }

    /** Host {@code i}'s namespace (from 1). */
    String namespace(int i) {
        return namespaces.get(i - 1);
    }

    /** {@code ip ARGS} inside host {@code i}. */
    String ip(int i, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace(i)));
        command.addAll(List.of(args));
        return ok(command.toArray(String[]::new));
    }

    /** {@code iptables-save} of host {@code i}. */
    String iptablesSave(int i) {
        return ok("ip", "netns", "exec", namespace(i), "iptables-save");
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            run("ip", "netns", "del", ns);
        }
        run("ip", "link", "del", bridge);
        List<String> delete = new ArrayList<>(List.of("iptables", "-D"));
        delete.addAll(forwardRule);
        for (int copies = 0; copies < 10 && run(delete.toArray(String[]::new)).succeeded(); copies++) {
            // one rule per run
        }
    }
}
