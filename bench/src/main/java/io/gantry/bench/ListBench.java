package io.gantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark 3: listing many pods. Creates pods spread over namespaces, then times (median of several runs, after
 * one untimed warm-up run each) kubectl get pods -A and raw lists: paginated and whole, as JSON and as Table.
 */
public final class ListBench {
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CREATE_CLIENTS = 16;

    private ListBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "url", "data-dir", "pods", "namespaces", "runs", "server-pid", "kubeconfig",
                "kubectl", "home", "store");
        Path dataDir = Path.of(args.required("data-dir"));
        ApiClient api = ApiClient.connect(args.required("url"), dataDir);
        int pods = args.integer("pods", 10_000);
        int namespaces = args.integer("namespaces", 10);
        int runs = args.integer("runs", 5);
        long serverPid = args.pid("server-pid");
        String store = args.string("store", "sqlite");

        long createStart = System.nanoTime();
        long created = createPods(api, pods, namespaces);
        double createSeconds = (System.nanoTime() - createStart) / 1e9;
        System.out.printf("list: created %d pods in %d namespaces in %.1f s (%.0f/s)%n", created, namespaces,
                createSeconds, created / createSeconds);

        List<Timing> timings = new ArrayList<>();
        Path kubeconfig = Path.of(args.required("kubeconfig"));
        Path home = Path.of(args.required("home"));
        String kubectl = args.string("kubectl", "/usr/bin/kubectl");
        timings.add(time("kubectl get pods -A", runs, () -> kubectlGetPods(kubectl, kubeconfig, home)));
        // kubectl pages by 500 and throttles itself to 5 requests/s after a burst; one request shows the server.
        timings.add(time("kubectl get pods -A --chunk-size=0", runs,
                () -> kubectlGetPods(kubectl, kubeconfig, home, "--chunk-size=0")));
        timings.add(time("GET /api/v1/pods?limit=500 (all pages, JSON)", runs, () -> paginated(api, "application/json")));
        timings.add(time("GET /api/v1/pods?limit=500 (all pages, Table)", runs, () -> paginated(api, TABLE)));
        timings.add(time("GET /api/v1/pods (one response, JSON)", runs, () -> whole(api, "application/json")));
        timings.add(time("GET /api/v1/pods (one response, Table)", runs, () -> whole(api, TABLE)));

        double rss = ProcessStats.rssMiB(serverPid);
        double dataMiB = ProcessStats.directoryMiB(dataDir);
        int i = 0;
        String[] keys = {"kubectl", "kubectl_unpaged", "paged_json", "paged_table", "whole_json", "whole_table"};
        for (Timing t : timings) {
            new Report("list-pods").put("store", store).put("what", keys[i++]).put("pods", created)
                    .put("items", t.items()).put("runs", runs).put("median_ms", t.medianMs())
                    .put("min_ms", t.minMs()).put("max_ms", t.maxMs()).put("bytes", t.bytes()).print();
        }
        new Report("list-pods-resources").put("store", store).put("pods", created)
                .put("server_rss_mib", rss).put("data_dir_mib", dataMiB).put("create_seconds", createSeconds)
                .put("creates_per_s", created / createSeconds).put("load_avg", ProcessStats.loadAverage()).print();
        for (Timing t : timings) {
            System.out.printf("list-pods: %-50s median %7.1f ms (min %.1f, max %.1f) over %d runs, %d items, %.1f MiB%n",
                    t.what(), t.medianMs(), t.minMs(), t.maxMs(), runs, t.items(), t.bytes() / 1048576.0);
        }
        System.out.printf("list-pods: server RSS %.0f MiB after the lists; data directory %.1f MiB%n", rss, dataMiB);
    }

    /** Items and bytes seen by one run of a list. */
    record Outcome(long items, long bytes) {
    }

    record Timing(String what, double medianMs, double minMs, double maxMs, long items, long bytes) {
    }

    @FunctionalInterface
    interface ListRun {
        Outcome run() throws Exception;
    }

    private static Timing time(String what, int runs, ListRun run) throws Exception {
        Outcome first = run.run();
        double[] ms = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            Outcome o = run.run();
            ms[r] = (System.nanoTime() - t0) / 1e6;
            if (o.items() != first.items()) {
                throw new IllegalStateException(what + ": " + o.items() + " items, first run had " + first.items());
            }
        }
        Arrays.sort(ms);
        double median = runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
        return new Timing(what, median, ms[0], ms[runs - 1], first.items(), first.bytes());
    }

    private static Outcome kubectlGetPods(String kubectl, Path kubeconfig, Path home, String... extra)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString(), "get", "pods",
                "-A"));
        command.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("KUBECONFIG");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("kubectl failed: " + new String(out, 0, Math.min(out.length, 2000),
                    StandardCharsets.UTF_8));
        }
        long lines = 0;
        for (byte b : out) {
            if (b == '\n') {
                lines++;
            }
        }
        return new Outcome(Math.max(0, lines - 1), out.length);
    }

    private static Outcome paginated(ApiClient api, String accept) throws Exception {
        String token = "";
        long items = 0;
        long bytes = 0;
        for (int page = 0; page < 10_000; page++) {
            String path = "/api/v1/pods?limit=500" + (token.isEmpty() ? ""
                    : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            byte[] body = getBytes(api, path, accept);
            bytes += body.length;
            // The list metadata comes before the items, so the token is near the start.
            String head = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
            String metadata = head.substring(0, Math.max(0, Math.min(head.length(), indexOfItems(head))));
            token = Strings.field(metadata, "continue");
            items += countItems(body, accept);
            if (token.isEmpty()) {
                return new Outcome(items, bytes);
            }
        }
        throw new IllegalStateException("more than 10,000 pages");
    }

    private static int indexOfItems(String head) {
        int items = head.indexOf("\"items\"");
        int rows = head.indexOf("\"rows\"");
        int end = items < 0 ? rows : rows < 0 ? items : Math.min(items, rows);
        return end < 0 ? head.length() : end;
    }

    private static Outcome whole(ApiClient api, String accept) throws Exception {
        byte[] body = getBytes(api, "/api/v1/pods", accept);
        return new Outcome(countItems(body, accept), body.length);
    }

    /** Counts rows or items; parsing is outside what the server is measured for but keeps the run honest. */
    private static long countItems(byte[] body, String accept) throws IOException {
        JsonNode list = JSON.readTree(body);
        return (accept.equals(TABLE) ? list.path("rows") : list.path("items")).size();
    }

    private static byte[] getBytes(ApiClient api, String path, String accept) throws Exception {
        HttpResponse<byte[]> r = api.send(api.request(path).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return r.body();
    }

    private static long createPods(ApiClient api, int pods, int namespaces) throws Exception {
        for (int n = 0; n < namespaces; n++) {
            api.ensureNamespace("bench-list-" + n);
        }
        AtomicLong created = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>("");
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CREATE_CLIENTS; c++) {
            int client = c;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = client; i < pods && failure.get().isEmpty(); i += CREATE_CLIENTS) {
                    String ns = "bench-list-" + (i % namespaces);
                    String body = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"pod-" + i
                            + "\"},\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]}}";
                    try {
                        HttpResponse<String> r = api.send(api.request("/api/v1/namespaces/" + ns + "/pods")
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 201 || r.statusCode() == 409) {
                            created.incrementAndGet();
                        } else {
                            failure.compareAndSet("", "HTTP " + r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failure.compareAndSet("", e.toString());
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(5));
        }
        if (!failure.get().isEmpty()) {
            throw new IOException("creating pods: " + failure.get());
        }
        return created.get();
    }
}
