package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.network.PortMapping;
import io.gantry.network.policy.IpBlock;
import io.gantry.network.policy.PodPolicy;
import io.gantry.network.policy.PolicyPort;
import io.gantry.network.policy.PolicyRule;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PolicyResolverTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode pod(String ns, String name, String node, String ip, String labels) throws Exception {
        return JSON.readTree("""
                {"metadata": {"namespace": "%s", "name": "%s", "labels": %s},
                 "spec": {"nodeName": "%s", "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]},
                 "status": {"phase": "Running", "podIP": "%s"}}""".formatted(ns, name, labels, node, ip));
    }

    private static JsonNode namespace(String name, String labels) throws Exception {
        return JSON.readTree("{\"metadata\": {\"name\": \"%s\", \"labels\": %s}}".formatted(name, labels));
    }

    private static JsonNode policy(String ns, String spec) throws Exception {
        return JSON.readTree("{\"metadata\": {\"namespace\": \"%s\", \"name\": \"p\"}, \"spec\": %s}".formatted(ns, spec));
    }

    private final List<JsonNode> pods;
    private final List<JsonNode> namespaces;

    PolicyResolverTest() throws Exception {
        pods = List.of(
                pod("default", "web", "n1", "10.0.1.2", "{\"app\": \"web\"}"),
                pod("default", "client", "n2", "10.0.2.2", "{\"role\": \"client\"}"),
                pod("other", "probe", "n2", "10.0.2.3", "{\"role\": \"client\"}"),
                pod("default", "db", "n1", "10.0.1.3", "{\"app\": \"db\"}"));
        namespaces = List.of(namespace("default", "{\"kubernetes.io/metadata.name\": \"default\"}"),
                namespace("other", "{\"team\": \"ops\"}"));
    }

    private List<PodPolicy> resolve(JsonNode... policies) {
        return new PolicyResolver("n1", List.of(policies), pods, namespaces).resolve();
    }

    @Test
    void podsNoPolicySelectsStayOpenAndOnlyThisNodesPodsAreResolved() {
        assertThat(resolve()).containsExactly(
                new PodPolicy("10.0.1.2", Optional.empty(), Optional.empty()),
                new PodPolicy("10.0.1.3", Optional.empty(), Optional.empty()));
    }

    @Test
    void aPolicyWithoutRulesIsolatesItsPodsForIngressOnly() throws Exception {
        List<PodPolicy> out = resolve(policy("default", "{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}}"));
        assertThat(out.getFirst()).isEqualTo(new PodPolicy("10.0.1.2", Optional.of(List.of()), Optional.empty()));
        assertThat(out.get(1).ingress()).as("db is not selected").isEmpty();
    }

    @Test
    void peersBecomePodAddressesAndNamedPortsTheTargetsNumbers() throws Exception {
        List<PodPolicy> out = resolve(policy("default", """
                {"podSelector": {"matchLabels": {"app": "web"}},
                 "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "client"}}}], "ports": [{"port": "http"}]},
                             {"from": [{"namespaceSelector": {"matchLabels": {"team": "ops"}}}]},
                             {"from": [{"ipBlock": {"cidr": "192.168.0.0/16", "except": ["192.168.1.0/24"]}}],
                              "ports": [{"protocol": "UDP", "port": 53, "endPort": 60}]}]}"""));
        assertThat(out.getFirst().ingress()).contains(List.of(
                new PolicyRule(List.of(IpBlock.of("10.0.2.2/32")), List.of(PolicyPort.tcp(8080))),
                new PolicyRule(List.of(IpBlock.of("10.0.2.3/32")), List.of()),
                new PolicyRule(List.of(new IpBlock("192.168.0.0/16", List.of("192.168.1.0/24"))),
                        List.of(new PolicyPort(PortMapping.Protocol.UDP, 53, 60)))));
    }

    @Test
    void egressRulesAndRulesThatSelectNothing() throws Exception {
        List<PodPolicy> out = resolve(policy("default", """
                {"podSelector": {}, "policyTypes": ["Egress"],
                 "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "nobody"}}}]},
                            {"ports": [{"port": "http"}]},
                            {"ports": [{"port": 10, "endPort": 5}]}]}"""));
        assertThat(out).allSatisfy(pod -> {
            assertThat(pod.ingress()).isEmpty();
            assertThat(pod.egress()).as("a rule selecting no pod and a malformed one allow nothing; a named port "
                    + "without peers is each pod's own").contains(Stream.of("10.0.1.2", "10.0.2.2", "10.0.2.3", "10.0.1.3")
                    .map(ip -> new PolicyRule(List.of(IpBlock.of(ip + "/32")), List.of(PolicyPort.tcp(8080)))).toList());
        });
    }

    @Test
    void anEmptyEgressListDoesNotIsolateEgressAndAnUnreadableSelectorSelectsNothing() throws Exception {
        List<PodPolicy> out = resolve(policy("default", "{\"podSelector\": {}, \"egress\": []}"));
        assertThat(out).allSatisfy(pod -> {
            assertThat(pod.ingress()).contains(List.of());
            assertThat(pod.egress()).as("egress: [] as Helm charts render it").isEmpty();
        });
        assertThat(resolve(policy("default", """
                {"podSelector": {"matchExpressions": [{"key": "app", "operator": "Near"}]}}""")))
                .allSatisfy(pod -> assertThat(pod.ingress()).isEmpty());
    }

    @Test
    void aPodBeingDeletedGivesWayToTheOneThatHasItsAddressNow() throws Exception {
        JsonNode leaving = JSON.readTree("""
                {"metadata": {"namespace": "default", "name": "old", "labels": {}, "deletionTimestamp": "2026-01-01T00:00:00Z"},
                 "spec": {"nodeName": "n1"}, "status": {"phase": "Running", "podIP": "10.0.1.2"}}""");
        List<JsonNode> all = new java.util.ArrayList<>(pods);
        all.addFirst(leaving);
        List<PodPolicy> out = new PolicyResolver("n1", List.of(policy("default",
                "{\"podSelector\": {\"matchLabels\": {\"app\": \"web\"}}}")), all, namespaces).resolve();
        assertThat(out).extracting(PodPolicy::podIp).containsExactly("10.0.1.2", "10.0.1.3");
        assertThat(out.getFirst().ingress()).as("web's policy, not the leaving pod's openness").contains(List.of());
    }

    @Test
    void egressNamedPortsAreEachPeersOwnNumbers() throws Exception {
        List<JsonNode> all = new java.util.ArrayList<>(pods);
        all.add(JSON.readTree("""
                {"metadata": {"namespace": "default", "name": "api", "labels": {"role": "client"}},
                 "spec": {"nodeName": "n2", "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 9090}]}]},
                 "status": {"phase": "Running", "podIP": "10.0.2.9"}}"""));
        List<PodPolicy> out = new PolicyResolver("n1", List.of(policy("default", """
                {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Egress"],
                 "egress": [{"to": [{"podSelector": {"matchLabels": {"role": "client"}}}], "ports": [{"port": "http"}]}]}""")),
                all, namespaces).resolve();
        assertThat(out.getFirst().egress()).contains(List.of(
                new PolicyRule(List.of(IpBlock.of("10.0.2.2/32")), List.of(PolicyPort.tcp(8080))),
                new PolicyRule(List.of(IpBlock.of("10.0.2.9/32")), List.of(PolicyPort.tcp(9090)))));
    }
}
