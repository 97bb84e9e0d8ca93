package io.gantry.bench;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark 1 (API side): creates per second through the HTTPS API from concurrent clients, each creating
 * objects with unique names as fast as the server answers: small ConfigMaps, or ({@code --kind pod}) the pod of
 * the scheduling benchmark, which the server defaults, validates and tracks far more fields of. Those pods name
 * a scheduler that does not exist, so that the control plane's own scheduler leaves them alone and only the API
 * server's create path is measured.
 */
public final class WriteBench {
    private WriteBench() {
    }

    private static String unscheduledPod(String name) {
        return SchedulingBench.pod(name).replace("\"spec\":{", "\"spec\":{\"schedulerName\":\"none\",");
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "url", "data-dir", "store", "clients", "warmup", "duration", "server-pid",
                "namespace", "kind");
        Path dataDir = Path.of(args.required("data-dir"));
        ApiClient api = ApiClient.connect(args.required("url"), dataDir);
        String store = args.string("store", "sqlite");
        int clients = args.integer("clients", 16);
        Duration warmUp = Duration.ofSeconds(args.integer("warmup", 5));
        Duration measure = Duration.ofSeconds(args.integer("duration", 20));
        long serverPid = args.pid("server-pid");
        String namespace = args.string("namespace", "bench-writes");
        api.ensureNamespace(namespace);
        String kind = args.string("kind", "configmap");
        if (!kind.equals("configmap") && !kind.equals("pod")) {
            throw new IllegalArgumentException("--kind is configmap or pod, not " + kind);
        }
        String path = "/api/v1/namespaces/" + namespace + (kind.equals("pod") ? "/pods" : "/configmaps");
        AtomicReference<String> firstFailure = new AtomicReference<>("");

        CpuWindow cpu = new CpuWindow(serverPid);
        ClosedLoop.Result r = ClosedLoop.run(clients, warmUp, measure, 10_000_000, (client, n) -> {
            String name = "c" + client + "-" + n;
            HttpResponse<String> response = api.post(path, kind.equals("pod") ? unscheduledPod(name)
                    : "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                    + "\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"key\":\"value-" + n + "\"}}");
            if (response.statusCode() != 201) {
                firstFailure.compareAndSet("", response.statusCode() + " " + response.body());
                return false;
            }
            return true;
        });
        // The CPU figures span warm-up and measurement; they are for proportions, not absolute cost.
        CpuWindow.Usage usage = cpu.close();
        Report report = new Report("api-writes").put("store", store).put("kind", kind).put("clients", clients)
                .put("seconds", r.seconds()).put("creates", r.ok()).put("failed", r.failed())
                .put("creates_per_s", r.opsPerSecond()).put("mean_latency_ms", r.meanLatencyMs());
        usage.addTo(report);
        report.put("load_avg", ProcessStats.loadAverage()).print();
        System.out.printf("api-writes [%s, %s]: %d clients created %d objects in %.0f s = %.0f creates/s "
                        + "(mean %.2f ms per create, %d failed); %s%n",
                store, kind, clients, r.ok(), r.seconds(), r.opsPerSecond(), r.meanLatencyMs(), r.failed(),
                usage.describe());
        if (!r.firstError().isEmpty() || !firstFailure.get().isEmpty()) {
            System.out.println("  first failure: " + (r.firstError().isEmpty() ? firstFailure.get() : r.firstError()));
        }
    }
}
