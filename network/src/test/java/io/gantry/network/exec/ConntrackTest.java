package io.gantry.network.exec;

import static io.gantry.network.testing.HostCommands.ok;
import static io.gantry.network.testing.HostCommands.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.network.exec.Conntrack.FlowFilter;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The real conntrack tool on flow entries this test makes (addresses of 10.253.0.0/16 that no packet carries;
 * only table entries, removed at the end). Needs root and the conntrack package.
 */
class ConntrackTest {
    @Test
    void deletesTheFlowsAFilterNamesAndOnlyThose() throws Exception {
        io.gantry.network.testing.HostCommands.requireTools();
        String net = "10.253." + ThreadLocalRandom.current().nextInt(1, 250) + ".";
        String service = net + "53";
        try {
            for (String endpoint : new String[] {net + "2", net + "3"}) {
                String clientPort = endpoint.endsWith(".2") ? "1000" : "1001";
                ok("conntrack", "-I", "-p", "udp", "-s", net + "1", "-d", service, "--sport", clientPort, "--dport",
                        "53", "-r", endpoint, "-q", net + "1", "--reply-port-src", "5353", "--reply-port-dst",
                        clientPort, "-t", "60");
            }
            new Conntrack().deleteUdp(new FlowFilter(service, 53, net + "2"));
            String left = run("conntrack", "-L", "-p", "udp", "--orig-dst", service).stdout();
            assertThat(left).doesNotContain("src=" + net + "2 ").contains("src=" + net + "3 ");
            new Conntrack().deleteUdp(new FlowFilter(service, 53, net + "2")); // nothing left to delete: no failure
        } finally {
            run("conntrack", "-D", "-p", "udp", "--orig-dst", service);
        }
        assertThat(run("conntrack", "-L", "-p", "udp", "--orig-dst", service).stdout()).isBlank();
    }
}
