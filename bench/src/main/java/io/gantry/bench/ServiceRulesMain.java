package io.gantry.bench;

import io.gantry.network.PortMapping;
import io.gantry.network.services.ServicePort;
import io.gantry.network.services.ServiceProxyBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes a node's service rules for the service traffic benchmark and exits (the rules stay in the network
 * namespace it runs in): one service whose cluster IP leads to the benchmark's server pod, among F filler
 * services of E endpoints each, so that the rules have the size of a busy node's.
 */
public final class ServiceRulesMain {
    private ServiceRulesMain() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "pod-cidr", "cluster-ip", "target", "fillers", "endpoints", "backend");
        String[] clusterIp = args.required("cluster-ip").split(":");
        String[] target = args.required("target").split(":");
        List<ServicePort> ports = new ArrayList<>();
        ports.add(new ServicePort("bench/server:http", Optional.of(clusterIp[0]), Integer.parseInt(clusterIp[1]),
                PortMapping.Protocol.TCP, 0, false, false, 0,
                List.of(new ServicePort.Endpoint(target[0], Integer.parseInt(target[1])))));
        int endpoints = args.integer("endpoints", 10);
        for (int s = 0; s < args.integer("fillers", 999); s++) {
            List<ServicePort.Endpoint> eps = new ArrayList<>();
            for (int e = 0; e < endpoints; e++) {
                int n = s * endpoints + e;
                eps.add(new ServicePort.Endpoint("10.245." + (n / 250 % 250) + "." + (n % 250 + 1), 8080));
            }
            ports.add(new ServicePort("bench/filler-" + s + ":http", Optional.of("10.97." + (s / 250) + "."
                    + (s % 250 + 1)), 80, PortMapping.Protocol.TCP, 30000 + s, false, false, 0, eps));
        }
        ServiceProxyBackend.Mode.parse(args.string("backend", "nftables"))
                .backend(args.required("pod-cidr"), Optional.empty()).resync(ports);
        System.out.println("service rules written: " + ports.size() + " services");
    }
}
