package io.gantry.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 6d: how long an endpoint change takes to reach the service rules of every node (Kubernetes' network
 * programming latency). A Service without selector and an EndpointSlice of its own; each change replaces the
 * slice's endpoint with a new address (among F other services of E endpoints each, for a node of realistic
 * size), and {@code nft monitor} in each node's network namespace (the nodes are
 * agents in namespaces, see bench/endpoints.sh) reports the moment a rule naming that address is added there.
 * Reports per node and change, and per change until the last node had it.
 */
public final class EndpointPropagationBench {
    private static final String SLICES = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";

    private EndpointPropagationBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "url", "data-dir", "netns", "changes", "interval-ms", "label", "fillers",
                "endpoints");
        ApiClient api = ApiClient.connect(args.required("url"), Path.of(args.required("data-dir")));
        List<String> namespaces = List.of(args.required("netns").split(","));
        int changes = args.integer("changes", 100);
        int intervalMs = args.integer("interval-ms", 200);
        Map<String, Long> seen = new ConcurrentHashMap<>();
        List<Process> monitors = new ArrayList<>();
        try {
            for (String ns : namespaces) {
                Process monitor = new ProcessBuilder("ip", "netns", "exec", ns, "nft", "monitor")
                        .redirectErrorStream(true).start();
                monitors.add(monitor);
                Thread.ofPlatform().daemon().start(() -> watch(ns, monitor, seen));
            }
            int fillers = args.integer("fillers", 0);
            int endpoints = args.integer("endpoints", 10);
            for (int f = 0; f < fillers; f++) {
                require(api.post("/api/v1/namespaces/default/services", """
                        {"apiVersion":"v1","kind":"Service","metadata":{"name":"filler-%d"},
                         "spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":8080}]}}""".formatted(f)),
                        "creating a filler service");
                StringBuilder addresses = new StringBuilder();
                for (int e = 0; e < endpoints; e++) {
                    int n = f * endpoints + e;
                    addresses.append(e == 0 ? "" : ",").append("{\"addresses\":[\"10.98.").append(n / 250 % 250)
                            .append('.').append(n % 250 + 1).append("\"],\"conditions\":{\"ready\":true}}");
                }
                require(api.post(SLICES, """
                        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"filler-%d-1",
                         "labels":{"kubernetes.io/service-name":"filler-%d","endpointslice.kubernetes.io/managed-by":"bench"}},
                         "addressType":"IPv4","ports":[{"port":8080,"protocol":"TCP"}],"endpoints":[%s]}"""
                        .formatted(f, f, addresses)), "creating a filler EndpointSlice");
            }
            require(api.post("/api/v1/namespaces/default/services", """
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"propagation"},
                     "spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":8080}]}}"""), "creating the service");
            require(api.post(SLICES, slice(address(0))), "creating the EndpointSlice");
            // every node has written all services before the first measured change
            Thread.sleep(5000 + fillers * 10L);
            Latencies perNode = new Latencies();
            Latencies everyNode = new Latencies();
            int missed = 0;
            for (int i = 1; i <= changes; i++) {
                String ip = address(i);
                long start = System.nanoTime();
                require(api.mergePatch(SLICES + "/propagation-1", "{\"endpoints\":[{\"addresses\":[\"" + ip
                        + "\"],\"conditions\":{\"ready\":true}}]}"), "changing the endpoint");
                long deadline = start + TimeUnit.SECONDS.toNanos(10);
                long last = 0;
                for (String ns : namespaces) {
                    Long at;
                    while ((at = seen.get(ns + " " + ip)) == null && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    if (at == null) {
                        missed++;
                        continue;
                    }
                    perNode.record(at - start);
                    last = Math.max(last, at - start);
                }
                everyNode.record(last);
                Thread.sleep(intervalMs);
            }
            String label = args.string("label", "iptables");
            new Report("endpoint-propagation").put("backend", label).put("nodes", namespaces.size())
                    .put("services", fillers + 1)
                    .put("changes", changes).put("node_p50_ms", perNode.percentileMs(0.5))
                    .put("node_p99_ms", perNode.percentileMs(0.99)).put("all_p50_ms", everyNode.percentileMs(0.5))
                    .put("all_p99_ms", everyNode.percentileMs(0.99)).put("all_max_ms", everyNode.maxMs())
                    .put("missed", missed).print();
            System.out.printf(Locale.ROOT, "endpoint change -> rules [%s, %d nodes, %d services, %d changes]: per node p50 %.0f ms, "
                    + "p99 %.0f ms; on every node p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d missed%n", label,
                    namespaces.size(), fillers + 1, changes, perNode.percentileMs(0.5), perNode.percentileMs(0.99),
                    everyNode.percentileMs(0.5), everyNode.percentileMs(0.99), everyNode.maxMs(), missed);
        } finally {
            monitors.forEach(Process::destroy);
        }
    }

    /** Notes when a rule or map element naming an endpoint address first appears in namespace {@code ns}. */
    private static void watch(String ns, Process monitor, Map<String, Long> seen) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(monitor.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                long now = System.nanoTime();
                if (!line.startsWith("add")) {
                    continue;
                }
                int at = line.indexOf("10.99.");
                while (at >= 0) {
                    int end = at;
                    while (end < line.length() && (Character.isDigit(line.charAt(end)) || line.charAt(end) == '.')) {
                        end++;
                    }
                    seen.putIfAbsent(ns + " " + line.substring(at, end).replaceAll("\\.$", ""), now);
                    at = line.indexOf("10.99.", end);
                }
            }
        } catch (java.io.IOException e) {
            // the monitor ended
        }
    }

    private static String address(int i) {
        return "10.99." + (i / 250) + "." + (i % 250 + 1);
    }

    private static String slice(String ip) {
        return """
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"propagation-1",
                 "labels":{"kubernetes.io/service-name":"propagation","endpointslice.kubernetes.io/managed-by":"bench"}},
                 "addressType":"IPv4","ports":[{"port":8080,"protocol":"TCP"}],
                 "endpoints":[{"addresses":["%s"],"conditions":{"ready":true}}]}""".formatted(ip);
    }

    private static void require(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }
}
