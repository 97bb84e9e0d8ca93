package io.gantry.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.gantry.store.EtcdStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 1 (peer): what etcd itself sustains with the same concurrency, without the API server: plain puts
 * through jetcd, and the guarded create transactions {@link EtcdStore} issues for every API create.
 */
public final class EtcdPutBench {
    private EtcdPutBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "endpoint", "clients", "warmup", "duration", "etcd-pid");
        String endpoint = args.required("endpoint");
        if (!endpoint.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("benchmarks only talk to 127.0.0.1, not " + endpoint);
        }
        int clients = args.integer("clients", 16);
        Duration warmUp = Duration.ofSeconds(args.integer("warmup", 5));
        Duration measure = Duration.ofSeconds(args.integer("duration", 20));
        long etcdPid = args.pid("etcd-pid");
        // A value about the size of a stored ConfigMap (the API server stores JSON with metadata).
        byte[] value = ("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"c0-0\",\"namespace\":"
                + "\"bench\",\"uid\":\"00000000-0000-0000-0000-000000000000\",\"creationTimestamp\":"
                + "\"2026-01-01T00:00:00Z\"},\"data\":{\"key\":\"value-0\"}}").getBytes(StandardCharsets.UTF_8);

        try (Client client = Client.builder().endpoints(endpoint).build()) {
            KV kv = client.getKVClient();
            ByteSequence v = ByteSequence.from(value);
            run("etcd-put", "jetcd KV.put", clients, warmUp, measure, etcdPid, (c, n) -> {
                kv.put(ByteSequence.from("/bench/put/c" + c + "-" + n, StandardCharsets.UTF_8), v)
                        .get(30, TimeUnit.SECONDS);
                return true;
            });
        }
        try (EtcdStore store = EtcdStore.connect(List.of(endpoint))) {
            run("etcd-create-txn", "EtcdStore.create (guarded txn)", clients, warmUp, measure, etcdPid,
                    (c, n) -> {
                        store.create("/bench/txn/c" + c + "-" + n, value);
                        return true;
                    });
        }
    }

    private static void run(String bench, String what, int clients, Duration warmUp, Duration measure, long etcdPid,
                            ClosedLoop.Operation op) throws InterruptedException {
        CpuWindow cpu = new CpuWindow(etcdPid);
        ClosedLoop.Result r = ClosedLoop.run(clients, warmUp, measure, 10_000_000, op);
        CpuWindow.Usage usage = cpu.close();
        Report report = new Report(bench).put("clients", clients).put("seconds", r.seconds()).put("writes", r.ok())
                .put("failed", r.failed()).put("writes_per_s", r.opsPerSecond())
                .put("mean_latency_ms", r.meanLatencyMs());
        usage.addTo(report);
        report.put("load_avg", ProcessStats.loadAverage()).print();
        System.out.printf("%s: %s from %d clients: %.0f writes/s (mean %.2f ms, %d failed); %s%n", bench, what,
                clients, r.opsPerSecond(), r.meanLatencyMs(), r.failed(),
                usage.describe().replace("server", "etcd"));
        if (!r.firstError().isEmpty()) {
            System.out.println("  first failure: " + r.firstError());
        }
    }
}
