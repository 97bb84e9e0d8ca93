package io.gantry.bench;

import io.gantry.client.WatchEventReader;

import java.io.IOException;
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
 * Benchmark 4: scheduling. Against a control plane ({@code gantry up}) with simulated nodes ({@code gantry agent
 * --simulate N}), creates P pods through the API, either as bare pods from concurrent clients or as Deployments
 * whose pods the controller manager creates, and follows them with one watch on the namespace's pods.
 * <p>
 * A pod counts as created when the watch first shows it (ADDED, no node yet), as bound when an event first shows
 * {@code spec.nodeName}, and as running when one first shows {@code status.phase=Running} (written by the
 * simulated node). The overall rate spans the first create request to the last bind the watch saw. CPU and peak
 * memory of the control plane and of the agent come from /proc.
 * <p>
 * With {@code --register-nodes N} there is no agent: the benchmark registers N Ready nodes as API objects, as
 * Kubernetes' scheduler_perf does, and a round ends when every pod is bound. Nothing runs the pods, reports their
 * status or renews a Lease, so the control plane's scheduling and controllers are measured alone.
 */
public final class SchedulingBench {
    private SchedulingBench() {
    }

    /** Watch-side times of one pod (System.nanoTime), 0 while not seen. */
    private static final class PodTimes {
        long added;
        long bound;
        long running;
    }

    /** What one round creates and where it reports. */
    private record Round(String label, String mode, String namespace, int podCount, int replicas, int clients,
                         Duration timeout, long serverPid, long agentPid, int nodes, int warmedUpWith, boolean report,
                         boolean nodesRunPods) {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "url", "data-dir", "pods", "nodes", "mode", "clients", "replicas",
                "server-pid", "agent-pid", "namespace", "timeout", "warmup-pods", "register-nodes");
        Path dataDir = Path.of(args.required("data-dir"));
        ApiClient api = ApiClient.connect(args.required("url"), dataDir);
        int podCount = args.integer("pods", 10_000);
        int expectedNodes = args.integer("nodes", 0);
        String mode = args.string("mode", "pods");
        int clients = args.integer("clients", 16);
        int replicas = args.integer("replicas", 100);
        int warmupPods = args.integer("warmup-pods", 0);
        long serverPid = args.pid("server-pid");
        long agentPid = args.pid("agent-pid");
        String namespace = args.string("namespace", "bench-sched-" + mode);
        Duration timeout = Duration.ofSeconds(args.integer("timeout", 180));
        if (!mode.equals("pods") && !mode.equals("deployments")) {
            throw new IllegalArgumentException("--mode is pods or deployments, not " + mode);
        }
        if (mode.equals("deployments") && (podCount % replicas != 0 || warmupPods % replicas != 0)) {
            throw new IllegalArgumentException("--pods and --warmup-pods must be multiples of --replicas");
        }

        int registerNodes = args.integer("register-nodes", 0);
        if (registerNodes > 0) {
            RegisteredNodes.register(api, "bench-node", registerNodes, "8", "32Gi");
            expectedNodes = Math.max(expectedNodes, registerNodes);
        }
        boolean nodesRunPods = registerNodes == 0;
        int nodes = waitForNodes(api, expectedNodes, Duration.ofSeconds(120));
        if (warmupPods > 0) {
            // The same work first, in a namespace of its own that stays: the measured round then sees JVMs whose
            // code is compiled, as a control plane that has run for a while is, and a cluster that already holds
            // pods. The warm-up's line says so and carries no RESULT.
            run(api, dataDir, new Round("warm-up, not measured", mode, namespace + "-warmup", warmupPods, replicas,
                    clients, timeout, serverPid, agentPid, nodes, 0, false, nodesRunPods));
        }
        String label = mode.equals("pods") ? "bare pods" : (podCount / replicas) + " Deployments x " + replicas;
        if (warmupPods > 0) {
            label += ", after " + warmupPods + " warm-up pods";
        }
        if (!nodesRunPods) {
            label += ", nodes registered as API objects, no agent";
        }
        run(api, dataDir, new Round(label, mode, namespace, podCount, replicas, clients, timeout, serverPid, agentPid,
                nodes, warmupPods, true, nodesRunPods));
        // An incomplete run is a result too (complete=false); run.sh goes on with the next one.
        System.exit(0);
    }

    private static void run(ApiClient api, Path dataDir, Round round) throws Exception {
        String mode = round.mode();
        String namespace = round.namespace();
        int podCount = round.podCount();
        int replicas = round.replicas();
        int clients = round.clients();
        long serverPid = round.serverPid();
        long agentPid = round.agentPid();
        Duration timeout = round.timeout();
        int nodes = round.nodes();
        api.ensureNamespace(namespace);
        String podsPath = "/api/v1/namespaces/" + namespace + "/pods";
        String startRevision = ApiClient.listResourceVersion(api.get(podsPath + "?limit=1", "application/json").body());

        Map<String, PodTimes> times = new HashMap<>();
        AtomicLong boundCount = new AtomicLong();
        AtomicLong runningCount = new AtomicLong();
        AtomicLong lastBind = new AtomicLong();
        AtomicLong lastRunning = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicReference<String> watchError = new AtomicReference<>("");
        ApiClient watchClient = api.fork(dataDir);
        Thread watcher = Thread.ofVirtual().name("pod-watch").start(() -> watch(watchClient, podsPath, startRevision,
                podCount, round.nodesRunPods(), times, boundCount, runningCount, lastBind, lastRunning, events,
                watchError));

        ProcessStats.ThreadCpu server0 = ProcessStats.threadCpu(serverPid);
        double agent0 = ProcessStats.cpuSeconds(agentPid);
        double client0 = ProcessStats.ownCpuSeconds();
        double machine0 = ProcessStats.machineCpuSeconds();
        long start = System.nanoTime();
        // One deadline for creating and following, so a slow cluster gives a partial result, not a hang.
        long deadline = start + timeout.toNanos();
        AtomicLong created = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>("");
        int objects = mode.equals("pods") ? podCount : podCount / replicas;
        AtomicLong next = new AtomicLong();
        List<Thread> creators = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            creators.add(Thread.ofVirtual().name("creator-" + c).start(() -> {
                try (KeepAliveConnection connection = api.connection()) {
                    for (long n = next.getAndIncrement(); n < objects && System.nanoTime() < deadline;
                         n = next.getAndIncrement()) {
                        try {
                            String json = mode.equals("pods") ? pod("p-" + n) : deployment("d-" + n, replicas);
                            String path = mode.equals("pods") ? podsPath
                                    : "/apis/apps/v1/namespaces/" + namespace + "/deployments";
                            KeepAliveConnection.Response r = connection.post(path,
                                    json.getBytes(StandardCharsets.UTF_8), 201);
                            if (r.status() == 201) {
                                created.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet("", r.status() + " " + r.text());
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet("", e.toString());
                        }
                    }
                }
            }));
        }
        for (Thread t : creators) {
            t.join();
        }
        double createSeconds = (System.nanoTime() - start) / 1e9;
        watcher.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        boolean complete = !watcher.isAlive();
        watcher.interrupt();
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        ProcessStats.ThreadCpu serverUse = ProcessStats.threadCpu(serverPid).since(server0);
        double serverCpu = serverUse.total() / seconds;
        double serverJit = serverUse.jit() / seconds;
        double serverGc = serverUse.gc() / seconds;
        // what the control plane spent per bound pod on the work itself, compiling and collecting left out
        double serverWorkMsPerPod = (serverUse.total() - serverUse.jit() - serverUse.gc()) * 1000
                / boundCount.get();
        // the scheduler decides on one thread: its time per pod bounds the throughput whatever the cores
        double schedulerMsPerPod = serverUse.scheduler() * 1000 / boundCount.get();
        double agentCpu = (ProcessStats.cpuSeconds(agentPid) - agent0) / seconds;
        double clientCpu = (ProcessStats.ownCpuSeconds() - client0) / seconds;
        double machineCpu = (ProcessStats.machineCpuSeconds() - machine0) / seconds;
        double otherCpu = Math.max(0, machineCpu - nz(serverCpu) - nz(agentCpu) - clientCpu);

        Latencies toBound = new Latencies();
        Latencies toRunning = new Latencies();
        Latencies boundToRunning = new Latencies();
        long firstAdded = Long.MAX_VALUE;
        long firstBind = Long.MAX_VALUE;
        synchronized (times) {
            for (PodTimes t : times.values()) {
                if (t.added != 0) {
                    firstAdded = Math.min(firstAdded, t.added);
                }
                if (t.added != 0 && t.bound != 0) {
                    toBound.record(t.bound - t.added);
                    firstBind = Math.min(firstBind, t.bound);
                }
                if (t.added != 0 && t.running != 0) {
                    toRunning.record(t.running - t.added);
                }
                if (t.bound != 0 && t.running != 0) {
                    boundToRunning.record(t.running - t.bound);
                }
            }
        }
        long bound = boundCount.get();
        long running = runningCount.get();
        double bindSpan = bound == 0 ? Double.NaN : (lastBind.get() - start) / 1e9;
        double runSpan = running == 0 ? Double.NaN : (lastRunning.get() - start) / 1e9;
        double bindRate = bound / bindSpan;
        double runRate = running / runSpan;
        // The scheduler's own pace once pods exist: from the first bind to the last.
        double steadyBindRate = bound > 1 ? (bound - 1) / ((lastBind.get() - firstBind) / 1e9) : Double.NaN;
        double serverHwm = ProcessStats.peakRssMiB(serverPid);
        double agentHwm = ProcessStats.peakRssMiB(agentPid);

        String label = round.label();
        Report report = new Report("scheduling").put("mode", mode).put("nodes", nodes).put("pods", podCount)
                .put("objects", objects).put("created", created.get()).put("create_failures", failed.get())
                .put("create_s", createSeconds).put("bound", bound).put("running", running)
                .put("complete", complete).put("bind_pods_per_s", bindRate)
                .put("steady_bind_pods_per_s", steadyBindRate).put("running_pods_per_s", runRate)
                .put("last_bind_s", bindSpan).put("last_running_s", runSpan)
                .put("bound_p50_ms", toBound.percentileMs(0.50)).put("bound_p99_ms", toBound.percentileMs(0.99))
                .put("bound_max_ms", toBound.maxMs())
                .put("running_p50_ms", toRunning.percentileMs(0.50))
                .put("running_p99_ms", toRunning.percentileMs(0.99))
                .put("watch_events", events.get())
                .put("server_cpu_cores", serverCpu).put("server_jit_cores", serverJit)
                .put("server_gc_cores", serverGc).put("server_work_ms_per_pod", serverWorkMsPerPod)
                .put("server_scheduler_thread_ms_per_pod", schedulerMsPerPod)
                .put("agent_cpu_cores", agentCpu)
                .put("client_cpu_cores", clientCpu).put("other_cpu_cores", otherCpu)
                .put("server_peak_rss_mib", serverHwm).put("agent_peak_rss_mib", agentHwm)
                .put("load_avg", ProcessStats.loadAverage()).put("warmup_pods", round.warmedUpWith())
                .put("nodes_run_pods", round.nodesRunPods());
        if (round.report()) {
            report.print();
        }
        System.out.printf(java.util.Locale.ROOT,
                "scheduling [%s, %d nodes]: %d pods; creates took %.1f s (%d failed); %d bound in %.1f s from the "
                        + "first create = %.0f pods/s (%.0f pods/s from first to last bind), %s%s; per pod (from "
                        + "the watch's ADDED): create->bound p50 %.0f ms, p99 %.0f ms, max %.0f ms%s; "
                        + "cores: control plane %.2f (JIT %.2f, GC %.2f; the rest %.2f ms per bound pod, of which the "
                        + "scheduler's thread %.2f ms), agent %.2f, "
                        + "this client %.2f, other processes %.2f, of %d; "
                        + "peak RSS: control plane %.0f MiB, agent %.0f MiB%n",
                label, nodes, podCount, createSeconds, failed.get(), bound, bindSpan, bindRate, steadyBindRate,
                round.nodesRunPods() ? String.format(java.util.Locale.ROOT, "%d running after %.1f s = %.0f pods/s",
                        running, runSpan, runRate) : "no node runs them",
                complete ? "" : " (INCOMPLETE after " + timeout.toSeconds() + " s)",
                toBound.percentileMs(0.50), toBound.percentileMs(0.99), toBound.maxMs(),
                round.nodesRunPods() ? String.format(java.util.Locale.ROOT,
                        "; create->Running p50 %.0f ms, p99 %.0f ms (bound->Running p50 %.0f ms)",
                        toRunning.percentileMs(0.50), toRunning.percentileMs(0.99), boundToRunning.percentileMs(0.50))
                        : "",
                serverCpu, serverJit, serverGc, serverWorkMsPerPod, schedulerMsPerPod, agentCpu, clientCpu, otherCpu,
                ProcessStats.processors(), serverHwm, agentHwm);
        if (!firstFailure.get().isEmpty()) {
            System.out.println("  first create failure: " + firstFailure.get());
        }
        if (!watchError.get().isEmpty()) {
            System.out.println("  watch: " + watchError.get());
        }
    }

    private static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /**
     * Follows the namespace's pods until every expected pod runs (or is bound, where nothing runs them); re-watches
     * from the last revision if cut off.
     */
    private static void watch(ApiClient api, String podsPath, String fromRevision, int expected,
                              boolean untilRunning, Map<String, PodTimes> times, AtomicLong boundCount, AtomicLong runningCount,
                              AtomicLong lastBind, AtomicLong lastRunning, AtomicLong events,
                              AtomicReference<String> error) {
        String revision = fromRevision;
        AtomicLong awaited = untilRunning ? runningCount : boundCount;
        while (awaited.get() < expected && !Thread.currentThread().isInterrupted()) {
            String path = podsPath + "?watch=true&allowWatchBookmarks=false&timeoutSeconds=600&resourceVersion="
                    + revision;
            try (KeepAliveConnection connection = api.connection()) {
                KeepAliveConnection.Streamed r = connection.stream(path, Duration.ofMinutes(15));
                if (r.status() != 200) {
                    error.compareAndSet("", "watch answered HTTP " + r.status());
                    return;
                }
                try (WatchEventReader in = new WatchEventReader(r.body(), PodEvent.FIELDS)) {
                    WatchEventReader.Event event;
                    while ((event = in.next()) != null) {
                        long now = System.nanoTime();
                        events.incrementAndGet();
                        if (event.type().equals("ERROR")) {
                            error.compareAndSet("", "watch error event: " + event.object());
                            return;
                        }
                        PodEvent e = PodEvent.of(event);
                        if (!e.resourceVersion().isEmpty()) {
                            revision = e.resourceVersion();
                        }
                        if (e.type().equals("DELETED")) {
                            continue;
                        }
                        synchronized (times) {
                            PodTimes t = times.computeIfAbsent(e.name(), k -> new PodTimes());
                            if (t.added == 0) {
                                t.added = now;
                            }
                            if (t.bound == 0 && !e.nodeName().isEmpty()) {
                                t.bound = now;
                                lastBind.set(now);
                                if (boundCount.incrementAndGet() >= expected && !untilRunning) {
                                    return;
                                }
                            }
                            if (t.running == 0 && e.phase().equals("Running")) {
                                t.running = now;
                                lastRunning.set(now);
                                if (runningCount.incrementAndGet() >= expected) {
                                    return;
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                error.compareAndSet("", "watch re-opened after " + e);
            }
        }
    }

    /** Waits until the API lists {@code expected} nodes (the agent registers them before it reports joined). */
    private static int waitForNodes(ApiClient api, int expected, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            // One uid per listed node (the list's own metadata has none).
            String body = api.get("/api/v1/nodes", "application/json").body();
            int seen = 0;
            for (int i = body.indexOf("\"uid\":"); i >= 0; i = body.indexOf("\"uid\":", i + 1)) {
                seen++;
            }
            if (seen >= expected || System.nanoTime() > deadline) {
                return seen;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** The pod of Kubernetes' scheduler_perf default template: one pause container, 100m CPU and 500Mi. */
    private static String podSpec() {
        return "{\"containers\":[{\"name\":\"pause\",\"image\":\"registry.k8s.io/pause:3.10\","
                + "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"500Mi\"},"
                + "\"limits\":{\"cpu\":\"100m\",\"memory\":\"500Mi\"}}}]}";
    }

    static String pod(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"sched-bench\"}},\"spec\":" + podSpec() + "}";
    }

    private static String deployment(String name, int replicas) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name
                + "\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":" + podSpec()
                + "}}}";
    }
}
