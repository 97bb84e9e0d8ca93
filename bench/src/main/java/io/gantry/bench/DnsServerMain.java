package io.gantry.bench;

import io.gantry.network.dns.ClusterDnsServer;
import io.gantry.network.dns.DnsZone;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 6b's Gantry side: the cluster DNS server on its own, as a node agent runs it, with a zone of S
 * services ({@code svc-N.bench.svc.cluster.local}, one address each) on 127.0.0.1:PORT. Writes the same names as
 * a hosts file for the peer (dnsmasq) and the list of names for the load, then serves until killed.
 */
public final class DnsServerMain {
    private DnsServerMain() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "services", "port", "hosts-file", "names-file");
        int services = args.integer("services", 1000);
        DnsZone.Builder zone = DnsZone.builder("cluster.local");
        List<String> hosts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            String ip = "10.96." + (s / 250) + "." + (s % 250 + 1);
            String name = "svc-" + s + ".bench.svc.cluster.local";
            zone.a(name + ".", ip);
            hosts.add(ip + " " + name);
            names.add(name);
        }
        Files.write(Path.of(args.required("hosts-file")), hosts);
        Files.write(Path.of(args.required("names-file")), names);
        DnsZone built = zone.build();
        ClusterDnsServer.start(new InetSocketAddress("127.0.0.1", args.integer("port", 0)), () -> built, List.of());
        System.out.println("ready");
        Thread.currentThread().join();
    }
}
