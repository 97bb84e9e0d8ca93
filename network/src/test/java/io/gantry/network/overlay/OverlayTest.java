package io.gantry.network.overlay;

import static io.gantry.network.testing.HostCommands.ok;
import static io.gantry.network.testing.HostCommands.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Two hosts played by network namespaces this test makes (each with a pod namespace behind a veth, the hosts
 * joined by a veth of their own in 198.18.0.0/15), their pods reaching each other through the overlay; the
 * namespaces, and with them every device, route and entry, are removed at the end. Needs root.
 */
class OverlayTest {

    @Test
    void podsOnTwoHostsReachEachOtherThroughTheOverlayUntilThePeerIsGone() throws Exception {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        int subnet = ThreadLocalRandom.current().nextInt(1, 250);
        String hostA = "gtha-" + suffix;
        String hostB = "gthb-" + suffix;
        String podA = "gtpa-" + suffix;
        String podB = "gtpb-" + suffix;
        List<String> namespaces = List.of(hostA, hostB, podA, podB);
        List<String> made = new ArrayList<>();
        try {
            for (String ns : namespaces) {
                ok("ip", "netns", "add", ns);
                made.add(ns);
                ok("ip", "-n", ns, "link", "set", "lo", "up");
            }
            ok("ip", "link", "add", "gtoa" + suffix, "netns", hostA, "type", "veth", "peer", "name", "gtob" + suffix,
                    "netns", hostB);
            String addressA = "198.18." + subnet + ".1";
            String addressB = "198.18." + subnet + ".2";
            ok("ip", "-n", hostA, "addr", "add", addressA + "/24", "dev", "gtoa" + suffix);
            ok("ip", "-n", hostB, "addr", "add", addressB + "/24", "dev", "gtob" + suffix);
            ok("ip", "-n", hostA, "link", "set", "gtoa" + suffix, "up");
            ok("ip", "-n", hostB, "link", "set", "gtob" + suffix, "up");
            pod(hostA, podA, "10.90.1");
            pod(hostB, podB, "10.90.2");

            Overlay overlayA = new Overlay("gantry.1", 1, addressA, "10.90.1.0/24", 1450, hostA);
            Overlay overlayB = new Overlay("gantry.1", 1, addressB, "10.90.2.0/24", 1450, hostB);
            overlayA.ensureDevice();
            overlayB.ensureDevice();
            overlayA.ensureDevice(); // again: nothing changes
            overlayA.setPeers(List.of(new OverlayPeer(addressB, "10.90.2.0/24", overlayB.vtepMac())));
            overlayB.setPeers(List.of(new OverlayPeer(addressA, "10.90.1.0/24", overlayA.vtepMac())));

            assertThat(ping(podA, "10.90.2.2")).as("pod A to pod B across the overlay").isTrue();
            assertThat(ping(podB, "10.90.1.2")).as("and back").isTrue();
            assertThat(ok("ip", "-n", hostA, "route", "show", "10.90.2.0/24"))
                    .contains("via 10.90.2.0 dev gantry.1 onlink");
            assertThat(ok("ip", "-n", hostA, "link", "show", "gantry.1")).contains("mtu 1450");

            overlayA.setPeers(List.of());
            assertThat(ping(podA, "10.90.2.2")).as("without the peer").isFalse();
            assertThat(ok("ip", "-n", hostA, "route", "show", "10.90.2.0/24")).isBlank();
            overlayA.remove();
            assertThat(run("ip", "-n", hostA, "link", "show", "gantry.1").succeeded()).isFalse();
        } finally {
            for (String ns : made) {
                run("ip", "netns", "del", ns);
            }
        }
        assertThat(ok("ip", "netns", "list")).doesNotContain(suffix);
    }

    /** A pod namespace behind a veth of the host namespace: the host side is the pod's gateway, {@code net.1}. */
    private static void pod(String host, String pod, String net) {
        ok("ip", "-n", host, "link", "add", "veth0", "type", "veth", "peer", "name", "eth0", "netns", pod);
        ok("ip", "-n", host, "addr", "add", net + ".1/24", "dev", "veth0");
        ok("ip", "-n", host, "link", "set", "veth0", "up");
        ok("ip", "-n", pod, "addr", "add", net + ".2/24", "dev", "eth0");
        ok("ip", "-n", pod, "link", "set", "eth0", "up");
        ok("ip", "-n", pod, "route", "add", "default", "via", net + ".1");
        ok("ip", "netns", "exec", host, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    }

    private static boolean ping(String pod, String address) {
        return run("ip", "netns", "exec", pod, "/bin/busybox", "ping", "-c", "1", "-W", "2", address).succeeded();
    }
}
