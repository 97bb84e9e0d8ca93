package io.gantry.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark 2: watch fan-out. Many HTTP watchers stream the ConfigMaps of one namespace while a writer creates
 * ConfigMaps at a fixed rate, each carrying its send time (this JVM's nanoTime) in its data. Every watcher
 * measures receive time minus send time for every event; the client finds the time by string search so that
 * its own CPU use stays small next to the server's.
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
        AtomicLong foreignLines = new AtomicLong();
        AtomicReference<String> watchError = new AtomicReference<>("");
        List<ApiClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(writer.fork(dataDir));
        }
        ConcurrentLinkedQueue<InputStream> streams = new ConcurrentLinkedQueue<>();
        CountDownLatch connected = new CountDownLatch(watcherCount);
        Semaphore connecting = new Semaphore(CONNECT_PARALLELISM);
        String watchPath = collection + "?watch=true&resourceVersion=" + startRevision + "&timeoutSeconds="
                + (durationSeconds + drainSeconds + 120);
        long connectStart = System.nanoTime();
        List<Thread> readers = new ArrayList<>();
        for (int w = 0; w < watcherCount; w++) {
            ApiClient client = clients.get(w % CLIENTS);
            readers.add(Thread.ofVirtual().name("watcher-" + w).start(() -> {
                try {
                    InputStream body;
                    connecting.acquire();
                    try {
                        HttpResponse<InputStream> r = client.send(client.request(watchPath).timeout(
                                java.time.Duration.ofMinutes(10)).GET().build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                        if (r.statusCode() != 200) {
                            watchError.compareAndSet("", "watch answered HTTP " + r.statusCode());
                            r.body().close();
                            return;
                        }
                        body = r.body();
                        streams.add(body);
                    } finally {
                        connecting.release();
                        connected.countDown();
                    }
                    readEvents(body, latencies, foreignLines);
                } catch (IOException e) {
                    // closed at the end of the run, or the server ended the stream
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        boolean allConnected = connected.await(120, TimeUnit.SECONDS);
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        System.out.printf("watch: %d watchers connected in %.1f s%n", streams.size(), connectSeconds);
        if (!allConnected || streams.size() != watcherCount) {
            System.out.println("watch: not every watcher connected" + (watchError.get().isEmpty() ? ""
                    : " (" + watchError.get() + ")"));
        }
        int watching = streams.size();

        double serverCpu0 = ProcessStats.cpuSeconds(serverPid);
        double clientCpu0 = ProcessStats.ownCpuSeconds();
        long writeStart = System.nanoTime();
        WriteOutcome written = writeAtRate(writer, collection, rate, durationSeconds);
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        long expected = written.ok() * (long) watching;
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        while (latencies.count() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(20);
        }
        double busySeconds = (System.nanoTime() - writeStart) / 1e9;
        double serverCpu = ProcessStats.cpuSeconds(serverPid) - serverCpu0;
        double clientCpu = ProcessStats.ownCpuSeconds() - clientCpu0;
        for (InputStream s : streams) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
        for (Thread t : readers) {
            t.join(TimeUnit.SECONDS.toMillis(5));
        }

        long delivered = latencies.count();
        new Report("watch-fanout").put("watchers", watching).put("rate_per_s", rate).put("seconds", durationSeconds)
                .put("writes", written.ok()).put("write_failures", written.failed())
                .put("expected", expected).put("delivered", delivered)
                .put("p50_ms", latencies.percentileMs(0.50)).put("p99_ms", latencies.percentileMs(0.99))
                .put("max_ms", latencies.maxMs()).put("deliveries_per_s", delivered / busySeconds)
                .put("server_cpu_cores", serverCpu / busySeconds).put("client_cpu_cores", clientCpu / busySeconds)
                .put("connect_s", connectSeconds).print();
        System.out.printf("watch-fanout: %d watchers, %d creates at %d/s for %d s (%.1f s actual, %d failed): "
                        + "delivered %d of %d expected events (%s); latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                        + "server used %.2f cores, this client %.2f cores of %d%n",
                watching, written.ok(), rate, durationSeconds, writeSeconds, written.failed(), delivered, expected,
                delivered == expected ? "all" : "MISSING " + (expected - delivered), latencies.percentileMs(0.50),
                latencies.percentileMs(0.99), latencies.maxMs(), serverCpu / busySeconds, clientCpu / busySeconds,
                ProcessStats.processors());
        if (foreignLines.get() > 0) {
            System.out.println("  lines without a send time (errors or other events): " + foreignLines.get());
        }
        if (!written.firstFailure().isEmpty()) {
            System.out.println("  first write failure: " + written.firstFailure());
        }
        System.exit(0);
    }

    private static void readEvents(InputStream body, Latencies latencies, AtomicLong foreignLines) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 65536)) {
            String line;
            while ((line = reader.readLine()) != null) {
                long received = System.nanoTime();
                int at = line.indexOf(SENT);
                if (at < 0) {
                    foreignLines.incrementAndGet();
                    continue;
                }
                int start = at + SENT.length();
                long sent = Long.parseLong(line, start, line.indexOf('"', start), 10);
                latencies.record(received - sent);
            }
        }
    }

    record WriteOutcome(long ok, long failed, String firstFailure) {
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
                    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w-" + n
                            + "\"},\"data\":{\"sent\":\"" + System.nanoTime() + "\"}}";
                    HttpResponse<String> r = api.post(collection, body);
                    if (r.statusCode() == 201) {
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
        return new WriteOutcome(ok.get(), failed.get(), firstFailure.get());
    }
}
