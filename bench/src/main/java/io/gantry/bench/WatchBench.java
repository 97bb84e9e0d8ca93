package io.gantry.bench;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark 2: watch fan-out. Many HTTP watchers stream the ConfigMaps of one namespace while a writer creates
 * ConfigMaps at a fixed rate, each carrying its send time (this JVM's nanoTime) in its data. Every watcher
 * measures receive time minus send time for every event; the client finds the time with a byte scanner
 * ({@link SentTimeScanner}) so that its own CPU use stays small next to the server's.
 */
public final class WatchBench {
    private static final String SENT = "\"sent\":\"";
    private static final int CLIENTS = 8;
    private static final int CONNECT_PARALLELISM = 32;

    private WatchBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "url", "data-dir", "watchers", "rate", "duration", "server-pid", "namespace",
                "drain");
        Path dataDir = Path.of(args.required("data-dir"));
        ApiClient writer = ApiClient.connect(args.required("url"), dataDir);
        int watcherCount = args.integer("watchers", 1000);
        int rate = args.integer("rate", 500);
        int durationSeconds = args.integer("duration", 20);
        int drainSeconds = args.integer("drain", 30);
        long serverPid = args.pid("server-pid");
        String namespace = args.string("namespace", "bench-watch");
        writer.ensureNamespace(namespace);
        String collection = "/api/v1/namespaces/" + namespace + "/configmaps";
        HttpResponse<String> list = writer.get(collection + "?limit=1", "application/json");
        String startRevision = ApiClient.listResourceVersion(list.body());

        Latencies latencies = new Latencies();
        AtomicReference<String> watchError = new AtomicReference<>("");
        List<ApiClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(writer.fork(dataDir));
        }
        List<SentTimeScanner> scanners = new ArrayList<>();
        AtomicLong streamsEnded = new AtomicLong();
        AtomicLong open = new AtomicLong();
        CountDownLatch connected = new CountDownLatch(watcherCount);
        Semaphore connecting = new Semaphore(CONNECT_PARALLELISM);
        String watchPath = collection + "?watch=true&resourceVersion=" + startRevision + "&timeoutSeconds="
                + (durationSeconds + drainSeconds + 120);
        long connectStart = System.nanoTime();
        for (int w = 0; w < watcherCount; w++) {
            ApiClient client = clients.get(w % CLIENTS);
            SentTimeScanner scanner = new SentTimeScanner(latencies, streamsEnded);
            scanners.add(scanner);
            AtomicBoolean answered = new AtomicBoolean();
            connecting.acquire();
            // The handler runs when the response headers arrive: the watch is registered on the server by then.
            client.sendAsync(client.request(watchPath).timeout(Duration.ofMinutes(10)).GET().build(), info -> {
                answered.set(true);
                if (info.statusCode() == 200) {
                    open.incrementAndGet();
                } else {
                    watchError.compareAndSet("", "watch answered HTTP " + info.statusCode());
                }
                connecting.release();
                connected.countDown();
                return HttpResponse.BodySubscribers.fromSubscriber(scanner);
            }).exceptionally(e -> {
                watchError.compareAndSet("", e.toString());
                if (!answered.getAndSet(true)) {
                    connecting.release();
                    connected.countDown();
                }
                return null;
            });
        }
        boolean allConnected = connected.await(120, TimeUnit.SECONDS);
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        System.out.printf("watch: %d watchers connected in %.1f s%n", open.get(), connectSeconds);
        if (!allConnected || open.get() != watcherCount) {
            System.out.println("watch: not every watcher connected" + (watchError.get().isEmpty() ? ""
                    : " (" + watchError.get() + ")"));
        }
        int watching = (int) open.get();

        CpuWindow cpu = new CpuWindow(serverPid);
        long writeStart = System.nanoTime();
        WriteOutcome written = writeAtRate(writer, collection, rate, durationSeconds);
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        long expected = written.ok() * (long) watching;
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        while (latencies.count() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(20);
        }
        double busySeconds = (System.nanoTime() - writeStart) / 1e9;
        CpuWindow.Usage usage = cpu.close();
        long endedEarly = streamsEnded.get();
        scanners.forEach(SentTimeScanner::cancel);

        long delivered = latencies.count();
        Latencies acks = written.acks();
        Report report = new Report("watch-fanout").put("watchers", watching).put("rate_per_s", rate)
                .put("seconds", durationSeconds).put("intended_writes", (long) rate * durationSeconds)
                .put("writes", written.ok()).put("write_failures", written.failed())
                .put("expected", expected).put("delivered", delivered)
                .put("p50_ms", latencies.percentileMs(0.50)).put("p99_ms", latencies.percentileMs(0.99))
                .put("max_ms", latencies.maxMs()).put("ack_p50_ms", acks.percentileMs(0.50))
                .put("ack_p99_ms", acks.percentileMs(0.99)).put("deliveries_per_s", delivered / busySeconds)
                .put("connect_s", connectSeconds).put("streams_ended_early", endedEarly);
        usage.addTo(report);
        report.put("load_avg", ProcessStats.loadAverage()).print();
        System.out.printf("watch-fanout: %d watchers, %d of %d intended creates at %d/s for %d s (%.1f s actual, "
                        + "%d failed): "
                        + "delivered %d of %d expected events (%s); delivery latency p50 %.1f ms, p99 %.1f ms, "
                        + "max %.1f ms (the create's own response: p50 %.1f ms, p99 %.1f ms); %s%n",
                watching, written.ok(), (long) rate * durationSeconds, rate, durationSeconds, writeSeconds, written.failed(), delivered, expected,
                delivered == expected ? "all" : "MISSING " + (expected - delivered), latencies.percentileMs(0.50),
                latencies.percentileMs(0.99), latencies.maxMs(), acks.percentileMs(0.50), acks.percentileMs(0.99),
                usage.describe());
        if (endedEarly > 0) {
            System.out.println("  watch streams the server ended before the run was over: " + endedEarly);
        }
        if (!written.firstFailure().isEmpty()) {
            System.out.println("  first write failure: " + written.firstFailure());
        }
        System.exit(0);
    }

    record WriteOutcome(long ok, long failed, String firstFailure, Latencies acks) {
    }

    /** Open loop: a create is started every 1/rate s whatever the previous ones are doing, bounded in flight. */
    private static WriteOutcome writeAtRate(ApiClient api, String collection, int rate, int seconds)
            throws InterruptedException {
        long total = (long) rate * seconds;
        long intervalNanos = 1_000_000_000L / rate;
        Semaphore inFlight = new Semaphore(256);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>("");
        Latencies acks = new Latencies();
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (!inFlight.tryAcquire(5, TimeUnit.SECONDS)) {
                firstFailure.compareAndSet("", "256 creates in flight for 5 s");
                break;
            }
            long n = i;
            Thread.ofVirtual().start(() -> {
                try {
                    long sent = System.nanoTime();
                    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w-" + n
                            + "\"},\"data\":{\"sent\":\"" + sent + "\"}}";
                    HttpResponse<String> r = api.post(collection, body);
                    if (r.statusCode() == 201) {
                        acks.record(System.nanoTime() - sent);
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet("", r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet("", e.toString());
                } finally {
                    inFlight.release();
                }
            });
        }
        // Wait for the creates still in flight.
        if (!inFlight.tryAcquire(256, 60, TimeUnit.SECONDS)) {
            firstFailure.compareAndSet("", "creates still in flight after 60 s");
        }
        return new WriteOutcome(ok.get(), failed.get(), firstFailure.get(), acks);
    }
}
