package io.gantry.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The cluster DNS server on 127.0.0.1, asked by dnsjava's resolver over UDP and TCP. */
class ClusterDnsServerTest {

    private static DnsZone cluster() {
        return DnsZone.builder("cluster.local")
                .a("web.shop.svc", "10.96.0.20")
                .srv("_http._tcp.web.shop.svc", 80, "web.shop.svc")
                .a("db.shop.svc", "10.244.0.7").a("db.shop.svc", "10.244.1.8")
                .a("db-0.db.shop.svc", "10.244.0.7")
                .cname("ext.shop.svc", "example.org.")
                .build();
    }

    private static Message ask(InetSocketAddress server, String name, int type, boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    @Test
    void clusterNamesAreAnsweredFromTheZoneAndOthersByTheUpstream() throws Exception {
        DnsZone upstreamZone = DnsZone.builder("upstream.test").a("host.upstream.test.", "192.0.2.7").build();
        try (ClusterDnsServer upstream = ClusterDnsServer.start(new InetSocketAddress("127.0.0.1", 0),
                () -> upstreamZone, List.of());
             ClusterDnsServer server = ClusterDnsServer.start(new InetSocketAddress("127.0.0.1", 0),
                     ClusterDnsServerTest::cluster, List.of(upstream.address()))) {
            for (boolean tcp : List.of(false, true)) {
                Message web = ask(server.address(), "web.shop.svc.cluster.local.", Type.A, tcp);
                assertThat(web.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(web.getHeader().getFlag(Flags.AA)).isTrue();
                assertThat(web.getSection(Section.ANSWER)).singleElement()
                        .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.96.0.20"));

                Message headless = ask(server.address(), "db.shop.svc.cluster.local.", Type.A, tcp);
                assertThat(headless.getSection(Section.ANSWER)).hasSize(2);
                assertThat(ask(server.address(), "db-0.db.shop.svc.cluster.local.", Type.A, tcp)
                        .getSection(Section.ANSWER)).hasSize(1);

                Message srv = ask(server.address(), "_http._tcp.web.shop.svc.cluster.local.", Type.SRV, tcp);
                assertThat(srv.getSection(Section.ANSWER)).singleElement().satisfies(r -> {
                    assertThat(((SRVRecord) r).getPort()).isEqualTo(80);
                    assertThat(((SRVRecord) r).getTarget().toString()).isEqualTo("web.shop.svc.cluster.local.");
                });
                assertThat(ask(server.address(), "ext.shop.svc.cluster.local.", Type.A, tcp)
                        .getSection(Section.ANSWER)).singleElement()
                        .satisfies(r -> assertThat(((CNAMERecord) r).getTarget().toString()).isEqualTo("example.org."));

                Message aaaa = ask(server.address(), "web.shop.svc.cluster.local.", Type.AAAA, tcp);
                assertThat(aaaa.getRcode()).as("the name exists, without IPv6").isEqualTo(Rcode.NOERROR);
                assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
                assertThat(ask(server.address(), "nope.shop.svc.cluster.local.", Type.A, tcp).getRcode())
                        .isEqualTo(Rcode.NXDOMAIN);

                Message forwarded = ask(server.address(), "host.upstream.test.", Type.A, tcp);
                assertThat(forwarded.getSection(Section.ANSWER)).singleElement()
                        .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("192.0.2.7"));
            }
        }
    }

    @Test
    void withoutAnUpstreamOtherNamesFailWithServfail() throws Exception {
        try (ClusterDnsServer server = ClusterDnsServer.start(new InetSocketAddress("127.0.0.1", 0),
                ClusterDnsServerTest::cluster, List.of())) {
            assertThat(ask(server.address(), "elsewhere.test.", Type.A, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        }
    }
}
