package io.gantry.bench;

import io.gantry.network.PortMapping;
import io.gantry.network.services.ServicePort;
import io.gantry.network.services.NftServiceProxier;
import io.gantry.network.services.ServiceProxier;
import io.gantry.network.services.ServiceProxyBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Benchmark 6a: the node's service rules at scale. Builds S services of E ready endpoints each (each with a node
 * port), then times writing all of them (the first sync, then R full resyncs, as the proxy does every minute),
 * and R syncs after one endpoint of one service changed, which is how the proxy follows an endpoint change (it
 * writes only the chains the change touches). {@code --backend iptables} (the default) measures
 * {@link ServiceProxier}, {@code --backend nftables} {@link NftServiceProxier}. Run it in a network namespace of
 * its own (bench/services.sh does): it writes iptables rules or an nftables table.
 */
public final class ServiceSyncBench {
    private ServiceSyncBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "services", "endpoints", "rounds", "backend");
        int services = args.integer("services", 1000);
        int endpoints = args.integer("endpoints", 10);
        int rounds = args.integer("rounds", 5);
        String backend = args.string("backend", "iptables");
        ServiceProxyBackend proxier = switch (backend) {
            case "iptables" -> new ServiceProxier("10.244.0.0/16");
            case "nftables" -> new NftServiceProxier("10.244.0.0/16");
            default -> throw new IllegalArgumentException("--backend must be iptables or nftables, not " + backend);
        };
        try {
            List<ServicePort> ports = ports(services, endpoints, 0);
            long start = System.nanoTime();
            proxier.sync(ports);
            double first = (System.nanoTime() - start) / 1e6;
            Latencies full = new Latencies();
            for (int i = 0; i < rounds; i++) {
                start = System.nanoTime();
                proxier.resync(ports);
                full.record(System.nanoTime() - start);
            }
            Latencies change = new Latencies();
            for (int i = 0; i < rounds; i++) {
                List<ServicePort> changed = ports(services, endpoints, i + 1);
                start = System.nanoTime();
                proxier.sync(changed);
                change.record(System.nanoTime() - start);
            }
            new Report("service-sync").put("backend", backend).put("services", services).put("endpoints", endpoints)
                    .put("first_ms", first).put("full_p50_ms", full.percentileMs(0.5)).put("full_max_ms", full.maxMs())
                    .put("change_p50_ms", change.percentileMs(0.5)).put("change_max_ms", change.maxMs()).print();
            System.out.printf(java.util.Locale.ROOT, "service rules (%s) [%d services x %d endpoints, node ports]: "
                            + "first sync %.0f ms; full resync p50 %.0f ms (max %.0f); after one endpoint changed p50 "
                            + "%.0f ms (max %.0f)%n", backend, services, endpoints, first, full.percentileMs(0.5), full.maxMs(),
                    change.percentileMs(0.5), change.maxMs());
        } finally {
            proxier.removeAll();
        }
    }

    /** S services in 10.96.0.0/16 with E endpoints each in 10.244.0.0/16; {@code generation} moves one endpoint. */
    private static List<ServicePort> ports(int services, int endpoints, int generation) {
        List<ServicePort> ports = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            List<ServicePort.Endpoint> eps = new ArrayList<>();
            for (int e = 0; e < endpoints; e++) {
                int n = s * endpoints + e + (s == 0 && e == 0 ? generation * 60000 : 0);
                eps.add(new ServicePort.Endpoint("10.244." + (n / 250 % 250) + "." + (n % 250 + 1), 8080));
            }
            ports.add(new ServicePort("bench/svc-" + s + ":http", Optional.of("10.96." + (s / 250) + "." + (s % 250 + 1)),
                    80, PortMapping.Protocol.TCP, 30000 + s, false, false, 0, eps));
        }
        return ports;
    }
}
