package io.gantry.network.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.network.PortMapping;
import io.gantry.network.exec.Conntrack.FlowFilter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StaleUdpFlowsTest {
    private static ServicePort dns(int nodePort, String... endpoints) {
        return new ServicePort("kube-system/dns:dns", Optional.of("10.96.0.53"), 53, PortMapping.Protocol.UDP, nodePort,
                false, false, 0, java.util.Arrays.stream(endpoints).map(ip -> new ServicePort.Endpoint(ip, 5353)).toList());
    }

    @Test
    void aRemovedEndpointsFlowsGoAndOnlyThose() {
        assertThat(StaleUdpFlows.between(List.of(dns(30053, "10.1.0.2", "10.1.0.3")), List.of(dns(30053, "10.1.0.3"))))
                .containsExactly(new FlowFilter("10.96.0.53", 53, "10.1.0.2"), new FlowFilter(null, 30053, "10.1.0.2"));
        assertThat(StaleUdpFlows.between(List.of(dns(0, "10.1.0.2")), List.of(dns(0, "10.1.0.2", "10.1.0.4"))))
                .as("an endpoint added strands nothing").isEmpty();
    }

    @Test
    void aServiceThatGetsItsFirstEndpointLosesItsRefusedFlows() {
        assertThat(StaleUdpFlows.between(List.of(dns(0)), List.of(dns(0, "10.1.0.2"))))
                .containsExactly(new FlowFilter("10.96.0.53", 53, null));
    }

    @Test
    void aPortNewToTheProxyCountsAsOneThatHadNoEndpoints() {
        assertThat(StaleUdpFlows.between(List.of(), List.of(dns(30053, "10.1.0.2"))))
                .containsExactly(new FlowFilter("10.96.0.53", 53, null), new FlowFilter(null, 30053, null));
    }

    @Test
    void aDeletedServicesFlowsGoAndTcpIsLeftToItsOwnEnds() {
        assertThat(StaleUdpFlows.between(List.of(dns(0, "10.1.0.2")), List.of()))
                .containsExactly(new FlowFilter("10.96.0.53", 53, "10.1.0.2"));
        ServicePort web = new ServicePort("default/web:http", Optional.of("10.96.0.80"), 80, PortMapping.Protocol.TCP,
                0, false, false, 0, List.of(new ServicePort.Endpoint("10.1.0.9", 8080)));
        assertThat(StaleUdpFlows.between(List.of(web), List.of())).isEmpty();
    }
}
