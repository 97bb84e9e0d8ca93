package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.network.PortMapping;
import io.gantry.network.services.ServicePort;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How Services and their EndpointSlices become the node's service ports. */
class ServiceProxyTest {

    private static ObjectNode yaml(String text) throws Exception {
        return (ObjectNode) Json.YAML.readTree(text);
    }

    @Test
    void eachPortTakesTheReadyEndpointsOfItsNameFromEverySlice() throws Exception {
        ObjectNode service = yaml("""
                metadata: {name: web, namespace: shop}
                spec:
                  clusterIP: 10.96.0.20
                  type: NodePort
                  sessionAffinity: ClientIP
                  ports:
                  - {name: http, port: 80, protocol: TCP, nodePort: 30080}
                  - {name: dns, port: 53, protocol: UDP}
                """);
        ObjectNode first = yaml("""
                metadata: {name: web-a, namespace: shop, labels: {kubernetes.io/service-name: web}}
                ports: [{name: http, port: 8080, protocol: TCP}, {name: dns, port: 5353, protocol: UDP}]
                endpoints:
                - {addresses: [10.244.0.5], conditions: {ready: true}}
                - {addresses: [10.244.0.6], conditions: {ready: false, serving: true}}
                - {addresses: [10.244.0.4]}
                """);
        ObjectNode second = yaml("""
                metadata: {name: web-b, namespace: shop, labels: {kubernetes.io/service-name: web}}
                ports: [{name: http, port: 9090, protocol: TCP}]
                endpoints:
                - {addresses: [10.244.1.7], conditions: {ready: true}}
                - {addresses: [10.244.1.7], conditions: {ready: true}}
                """);

        List<ServicePort> ports = ServiceProxy.servicePorts(service, List.of(first, second));

        assertThat(ports).hasSize(2);
        ServicePort http = ports.getFirst();
        assertThat(http.name()).isEqualTo("shop/web:http");
        assertThat(http.clusterIp()).contains("10.96.0.20");
        assertThat(http.nodePort()).isEqualTo(30080);
        assertThat(http.clientAffinity()).isTrue();
        assertThat(http.affinitySeconds()).isEqualTo(10800);
        assertThat(http.endpoints()).containsExactly(new ServicePort.Endpoint("10.244.0.4", 8080),
                new ServicePort.Endpoint("10.244.0.5", 8080), new ServicePort.Endpoint("10.244.1.7", 9090));
        ServicePort dns = ports.get(1);
        assertThat(dns.protocol()).isEqualTo(PortMapping.Protocol.UDP);
        assertThat(dns.endpoints()).containsExactly(new ServicePort.Endpoint("10.244.0.4", 5353),
                new ServicePort.Endpoint("10.244.0.5", 5353));
    }

    @Test
    void headlessAndExternalNameServicesHaveNoRules() throws Exception {
        assertThat(ServiceProxy.servicePorts(yaml("""
                metadata: {name: db, namespace: shop}
                spec: {clusterIP: None, ports: [{port: 5432}]}
                """), List.of())).isEmpty();
        assertThat(ServiceProxy.servicePorts(yaml("""
                metadata: {name: ext, namespace: shop}
                spec: {type: ExternalName, externalName: example.org}
                """), List.of())).isEmpty();
    }
}
