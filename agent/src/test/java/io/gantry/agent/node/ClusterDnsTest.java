package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.network.dns.DnsZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/** The names the cluster DNS gives Services and their endpoints (Kubernetes' DNS specification). */
class ClusterDnsTest {

    private static ObjectNode yaml(String text) throws Exception {
        return (ObjectNode) Json.YAML.readTree(text);
    }

    private static List<String> lookup(DnsZone zone, String name, int type) throws Exception {
        return zone.lookup(Name.fromString(name), type).orElseThrow().stream().map(ClusterDnsTest::value).toList();
    }

    private static String value(Record record) {
        return switch (record) {
            case ARecord a -> a.getAddress().getHostAddress();
            case SRVRecord srv -> srv.getPort() + " " + srv.getTarget();
            case CNAMERecord cname -> cname.getTarget().toString();
            default -> record.rdataToString();
        };
    }

    @Test
    void servicesHeadlessPodsPortsAndExternalNamesGetTheirNames() throws Exception {
        ObjectNode web = yaml("""
                metadata: {name: web, namespace: shop}
                spec: {clusterIP: 10.96.0.20, ports: [{name: http, port: 80, protocol: TCP}]}
                """);
        ObjectNode db = yaml("""
                metadata: {name: db, namespace: shop}
                spec: {clusterIP: None, ports: [{name: pg, port: 5432}]}
                """);
        ObjectNode dbSlice = yaml("""
                metadata: {name: db-x, namespace: shop, labels: {kubernetes.io/service-name: db}}
                ports: [{name: pg, port: 5432, protocol: TCP}]
                endpoints:
                - {addresses: [10.244.0.7], hostname: db-0, conditions: {ready: true}}
                - {addresses: [10.244.1.8], conditions: {ready: true}}
                - {addresses: [10.244.1.9], hostname: db-2, conditions: {ready: false}}
                """);
        ObjectNode external = yaml("""
                metadata: {name: ext, namespace: shop}
                spec: {type: ExternalName, externalName: db.example.org}
                """);

        DnsZone zone = ClusterDns.zone("cluster.local", List.of(web, db, external),
                (ns, name) -> name.equals("db") ? List.of(dbSlice) : List.of());

        assertThat(lookup(zone, "web.shop.svc.cluster.local.", Type.A)).containsExactly("10.96.0.20");
        assertThat(lookup(zone, "_http._tcp.web.shop.svc.cluster.local.", Type.SRV))
                .containsExactly("80 web.shop.svc.cluster.local.");
        assertThat(lookup(zone, "db.shop.svc.cluster.local.", Type.A)).containsExactly("10.244.0.7", "10.244.1.8");
        assertThat(lookup(zone, "db-0.db.shop.svc.cluster.local.", Type.A)).containsExactly("10.244.0.7");
        assertThat(lookup(zone, "10-244-1-8.db.shop.svc.cluster.local.", Type.A)).containsExactly("10.244.1.8");
        assertThat(zone.lookup(Name.fromString("db-2.db.shop.svc.cluster.local."), Type.A)).as("not ready").isEmpty();
        assertThat(lookup(zone, "_pg._tcp.db.shop.svc.cluster.local.", Type.SRV))
                .containsExactlyInAnyOrder("5432 db-0.db.shop.svc.cluster.local.",
                        "5432 10-244-1-8.db.shop.svc.cluster.local.");
        assertThat(lookup(zone, "ext.shop.svc.cluster.local.", Type.A)).containsExactly("db.example.org.");
    }

    @Test
    void theHostsNameserversAreTheUpstreams(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("resolv.conf");
        Files.writeString(conf, "search example.org\nnameserver 127.0.0.53\nnameserver fe80::1\noptions edns0\n");
        assertThat(ClusterDns.hostResolvers(conf)).singleElement()
                .satisfies(address -> assertThat(address.getHostString()).isEqualTo("127.0.0.53"));
    }
}
