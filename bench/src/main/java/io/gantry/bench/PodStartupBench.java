package io.gantry.bench;

import io.gantry.client.WatchEventReader;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark 5: pod startup on a real node. Against {@code gantry up} (control plane and this host as a node),
 * creates P pods of an image the node already has, all at once (16 clients) or as a steady stream of one pod every
 * {@code --interval-ms} (as Kubernetes' density tests measure the SLO), and follows them with one watch: a pod's
 * startup latency runs from the watch's first sight of it (ADDED) to the first event with
 * {@code status.phase=Running}, which the agent writes once runc started the container. Kubernetes' SLO is
 * p99 <= 5 s for this. Afterwards the pods are deleted and the run waits until the node released them.
 */
public final class PodStartupBench {
    private PodStartupBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "url", "data-dir", "pods", "image", "namespace", "timeout", "server-pid",
                "clients", "interval-ms");
        Path dataDir = Path.of(args.required("data-dir"));
        ApiClient api = ApiClient.connect(args.required("url"), dataDir);
        int podCount = args.integer("pods", 100);
        int clients = args.integer("clients", 16);
        String image = args.required("image");
        String namespace = args.string("namespace", "bench-startup");
        Duration timeout = Duration.ofSeconds(args.integer("timeout", 120));
        long serverPid = args.pid("server-pid");
        // 0: every pod at once; otherwise pod n is created n intervals after the first, as a steady stream
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(args.integer("interval-ms", 0));

        api.ensureNamespace(namespace);
        String podsPath = "/api/v1/namespaces/" + namespace + "/pods";
        String startRevision = ApiClient.listResourceVersion(api.get(podsPath + "?limit=1", "application/json").body());
        Map<String, long[]> times = new HashMap<>();
        AtomicLong running = new AtomicLong();
        AtomicLong lastRunning = new AtomicLong();
        AtomicReference<String> watchError = new AtomicReference<>("");
        ApiClient watchClient = api.fork(dataDir);
        Thread watcher = Thread.ofVirtual().start(() -> watch(watchClient, podsPath, startRevision, podCount, times,
                running, lastRunning, watchError));

        double server0 = ProcessStats.cpuSeconds(serverPid);
        double machine0 = ProcessStats.machineCpuSeconds();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        AtomicLong next = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>("");
        List<Thread> creators = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            creators.add(Thread.ofVirtual().start(() -> {
                try (KeepAliveConnection connection = api.connection()) {
                    for (long n = next.getAndIncrement(); n < podCount; n = next.getAndIncrement()) {
                        long due = start + n * intervalNanos;
                        if (due - System.nanoTime() > 0) {
                            TimeUnit.NANOSECONDS.sleep(due - System.nanoTime());
                        }
                        KeepAliveConnection.Response r = connection.post(podsPath,
                                pod("s-" + n, image).getBytes(StandardCharsets.UTF_8), 201);
                        if (r.status() != 201) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet("", r.status() + " " + r.text());
                        }
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet("", e.toString());
                }
            }));
        }
        for (Thread t : creators) {
            t.join();
        }
        watcher.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        boolean complete = !watcher.isAlive();
        watcher.interrupt();
        double seconds = (System.nanoTime() - start) / 1e9;
        double serverCpu = (ProcessStats.cpuSeconds(serverPid) - server0) / seconds;
        double machineCpu = (ProcessStats.machineCpuSeconds() - machine0) / seconds;

        Latencies startup = new Latencies();
        synchronized (times) {
            for (long[] t : times.values()) {
                if (t[0] != 0 && t[1] != 0) {
                    startup.record(t[1] - t[0]);
                }
            }
        }
        double allRunning = running.get() == 0 ? Double.NaN : (lastRunning.get() - start) / 1e9;
        new Report("startup").put("pods", podCount).put("interval_ms", TimeUnit.NANOSECONDS.toMillis(intervalNanos))
                .put("running", running.get()).put("complete", complete)
                .put("create_failures", failed.get()).put("p50_ms", startup.percentileMs(0.50))
                .put("p99_ms", startup.percentileMs(0.99)).put("max_ms", startup.maxMs())
                .put("all_running_s", allRunning).put("gantry_cpu_cores", serverCpu)
                .put("machine_cpu_cores", machineCpu).put("gantry_peak_rss_mib", ProcessStats.peakRssMiB(serverPid))
                .put("load_avg", ProcessStats.loadAverage()).print();
        String pacing = intervalNanos == 0 ? "at once"
                : String.format(java.util.Locale.ROOT, "one every %d ms", TimeUnit.NANOSECONDS.toMillis(intervalNanos));
        System.out.printf(java.util.Locale.ROOT,
                "pod startup [%d pods created %s, image present]: %d running%s; created->Running p50 %.0f ms, "
                        + "p99 %.0f ms, max %.0f ms; all running %.2f s after the first create; cores: gantry %.2f, "
                        + "machine %.2f of %d; peak RSS %.0f MiB%n",
                podCount, pacing, running.get(), complete ? "" : " (INCOMPLETE after " + timeout.toSeconds() + " s)",
                startup.percentileMs(0.50), startup.percentileMs(0.99), startup.maxMs(), allRunning, serverCpu,
                machineCpu, ProcessStats.processors(), ProcessStats.peakRssMiB(serverPid));
        if (!firstFailure.get().isEmpty()) {
            System.out.println("  first create failure: " + firstFailure.get());
        }
        if (!watchError.get().isEmpty()) {
            System.out.println("  watch: " + watchError.get());
        }
        deleteAll(api, podsPath, timeout);
        System.exit(0);
    }

    /** Deletes the pods (1 s grace) and waits until the node has released them and they are gone. */
    private static void deleteAll(ApiClient api, String podsPath, Duration timeout) throws Exception {
        api.send(api.request(podsPath + "?gracePeriodSeconds=1").DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!api.get(podsPath, "application/json").body().contains("\"uid\"")) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        System.out.println("  pods still present " + timeout.toSeconds() + " s after their deletion");
    }

    static String pod(String name, String image) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"startup-bench\"}},\"spec\":{\"terminationGracePeriodSeconds\":1,"
                + "\"containers\":[{\"name\":\"main\",\"image\":\"" + image + "\",\"imagePullPolicy\":\"Never\","
                + "\"command\":[\"sleep\",\"3600\"]}]}}";
    }

    private static void watch(ApiClient api, String podsPath, String fromRevision, int expected,
                              Map<String, long[]> times, AtomicLong running, AtomicLong lastRunning,
                              AtomicReference<String> error) {
        String revision = fromRevision;
        while (running.get() < expected && !Thread.currentThread().isInterrupted()) {
            String path = podsPath + "?watch=true&timeoutSeconds=600&resourceVersion=" + revision;
            try {
                HttpResponse<InputStream> r = api.send(api.request(path).timeout(Duration.ofMinutes(15)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    error.compareAndSet("", "watch answered HTTP " + r.statusCode());
                    return;
                }
                try (WatchEventReader in = new WatchEventReader(r.body(), PodEvent.FIELDS)) {
                    WatchEventReader.Event event;
                    while ((event = in.next()) != null) {
                        long now = System.nanoTime();
                        PodEvent e = PodEvent.of(event);
                        if (!e.resourceVersion().isEmpty()) {
                            revision = e.resourceVersion();
                        }
                        if (e.type().equals("DELETED")) {
                            continue;
                        }
                        synchronized (times) {
                            long[] t = times.computeIfAbsent(e.name(), k -> new long[2]);
                            if (t[0] == 0) {
                                t[0] = now;
                            }
                            if (t[1] == 0 && e.phase().equals("Running")) {
                                t[1] = now;
                                lastRunning.set(now);
                                if (running.incrementAndGet() >= expected) {
                                    return;
                                }
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                error.compareAndSet("", "watch re-opened after " + e);
            }
        }
    }
}
