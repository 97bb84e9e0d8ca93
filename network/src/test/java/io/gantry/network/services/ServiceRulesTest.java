package io.gantry.network.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.network.PortMapping;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceRulesTest {

    private static ServicePort web(List<ServicePort.Endpoint> endpoints) {
        return new ServicePort("default/web:http", Optional.of("10.96.0.10"), 80, PortMapping.Protocol.TCP, 30080,
                true, false, 0, endpoints);
    }

    @Test
    void endpointsArePickedWithEqualChanceAndDnatted() {
        String rules = ServiceRules.render(List.of(web(List.of(new ServicePort.Endpoint("10.244.0.2", 8080),
                new ServicePort.Endpoint("10.244.0.3", 8080), new ServicePort.Endpoint("10.244.0.4", 8080)))),
                "10.244.0.0/24", Set.of());

        String svc = ServiceRules.chain("GANTRY-SVC-", "default/web:http/tcp");
        assertThat(svc).hasSizeLessThanOrEqualTo(28);
        assertThat(rules).contains("-A GANTRY-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80"
                + " -m comment --comment \"default/web:http cluster IP\" -j " + svc);
        assertThat(rules).contains("--probability 0.3333333333").contains("--probability 0.5000000000");
        assertThat(rules.lines().filter(line -> line.startsWith("-A " + svc) && line.contains("-j GANTRY-SEP-")))
                .hasSize(3).last().asString().doesNotContain("statistic");
        assertThat(rules).contains("-j DNAT --to-destination 10.244.0.2:8080")
                .contains("-j DNAT --to-destination 10.244.0.4:8080");
        assertThat(rules).contains("-A GANTRY-NODEPORTS -p tcp -m tcp --dport 30080");
        assertThat(rules).as("the load balancer's port on node addresses")
                .contains("-A GANTRY-NODEPORTS ! -d 127.0.0.0/8 -p tcp -m tcp --dport 80");
        assertThat(rules).contains("! -s 10.244.0.0/24 -d 10.96.0.10/32");
        assertThat(rules.lines().filter(line -> line.startsWith("-A GANTRY-SERVICES")).toList().getLast())
                .as("node ports come last").contains("--dst-type LOCAL").endsWith("-j GANTRY-NODEPORTS");
    }

    @Test
    void aServicePortWithoutEndpointsIsRejectedAndGoneChainsAreDeleted() {
        String old = ServiceRules.chain("GANTRY-SEP-", "default/old:http/tcp/10.244.0.9:80");
        String rules = ServiceRules.render(List.of(web(List.of())), "10.244.0.0/24",
                Set.of(old, "GANTRY-SERVICES", "GANTRY-MASQ-gantry0"));

        assertThat(rules).contains("-A GANTRY-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80"
                + " -m comment --comment \"default/web:http has no endpoints\" -j REJECT");
        assertThat(rules).contains("--dst-type LOCAL -p tcp -m tcp --dport 30080");
        assertThat(rules).contains(":" + old + " - [0:0]").contains("-X " + old)
                .as("another part's chain is left alone").doesNotContain("GANTRY-MASQ-gantry0");
        assertThat(rules).doesNotContain("GANTRY-SVC-");
    }

    @Test
    void clientAffinityRemembersTheEndpointPerClientAddress() {
        ServicePort sticky = new ServicePort("default/web:http", Optional.of("10.96.0.10"), 80,
                PortMapping.Protocol.UDP, 0, false, true, 10800, List.of(new ServicePort.Endpoint("10.244.0.2", 53)));
        String rules = ServiceRules.render(List.of(sticky), "10.244.0.0/24", Set.of());

        String sep = ServiceRules.chain("GANTRY-SEP-", "default/web:http/udp/10.244.0.2:53");
        assertThat(rules).contains("-m recent --name " + sep + " --mask 255.255.255.255 --rsource --rcheck --seconds "
                + "10800 --reap -j " + sep);
        assertThat(rules).contains("--rsource --set -p udp -m udp -j DNAT --to-destination 10.244.0.2:53");
        assertThat(rules).doesNotContain("GANTRY-NODEPORTS -p");
    }

    @Test
    void aSyncAfterAChangeWritesOnlyTheChainsItTouches() {
        ServicePort other = new ServicePort("default/other:http", Optional.of("10.96.0.11"), 80,
                PortMapping.Protocol.TCP, 0, false, false, 0, List.of(new ServicePort.Endpoint("10.244.0.9", 80)));
        ServiceRules.RuleSet before = ServiceRules.rules(List.of(web(List.of(
                new ServicePort.Endpoint("10.244.0.2", 8080))), other), "10.244.0.0/24", Optional.empty());
        ServiceRules.RuleSet after = ServiceRules.rules(List.of(web(List.of(
                new ServicePort.Endpoint("10.244.0.3", 8080))), other), "10.244.0.0/24", Optional.empty());

        String partial = after.restoreInput(Optional.of(before), Set.of());

        String svc = ServiceRules.chain("GANTRY-SVC-", "default/web:http/tcp");
        String oldSep = ServiceRules.chain("GANTRY-SEP-", "default/web:http/tcp/10.244.0.2:8080");
        String newSep = ServiceRules.chain("GANTRY-SEP-", "default/web:http/tcp/10.244.0.3:8080");
        assertThat(partial).contains(":" + svc + " - [0:0]").contains(":" + newSep + " - [0:0]")
                .contains("-X " + oldSep).doesNotContain("default/other").doesNotContain("*filter")
                .as("the portal chain did not change").doesNotContain(":GANTRY-SERVICES");
        assertThat(after.restoreInput(Optional.of(after), Set.of())).as("nothing changed").isEmpty();
        assertThat(after.restoreInput(Optional.empty(), Set.of())).contains("default/other").contains("*filter");
    }
}
