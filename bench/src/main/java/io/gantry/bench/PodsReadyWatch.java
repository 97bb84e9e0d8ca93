package io.gantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The self-healing benchmark's watcher: follows the pods of one selector and prints the wall-clock moment
 * ({@code ready_at_ms}, epoch milliseconds) when {@code --count} of them on {@code --node} are Ready and not being
 * deleted. The script that cuts a node off notes the wall clock of the cut; the difference is the figure. It prints
 * {@code watching} once its watch is open, so the script cuts only then, and exits 1 after {@code --timeout}
 * seconds without the goal.
 */
public final class PodsReadyWatch {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PodsReadyWatch() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "url", "data-dir", "namespace", "selector", "node", "count", "timeout");
        ApiClient api = ApiClient.connect(args.required("url"), Path.of(args.required("data-dir")));
        String podsPath = "/api/v1/namespaces/" + args.required("namespace") + "/pods?labelSelector="
                + URLEncoder.encode(args.required("selector"), StandardCharsets.UTF_8);
        String node = args.required("node");
        int count = args.integer("count", 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(args.integer("timeout", 120)).toNanos();

        // name -> whether it counts: on the node, Ready, not terminating
        Map<String, Boolean> counted = new HashMap<>();
        JsonNode list = JSON.readTree(api.get(podsPath, "application/json").body());
        for (JsonNode pod : list.path("items")) {
            counted.put(pod.path("metadata").path("name").asText(), counts(pod, node));
        }
        String revision = list.path("metadata").path("resourceVersion").asText();
        System.out.println("watching from revision " + revision);
        System.out.flush();
        while (System.nanoTime() < deadline) {
            if (done(counted, count)) {
                break;
            }
            long left = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toSeconds());
            HttpResponse<InputStream> r = api.send(api.request(podsPath + "&watch=true&allowWatchBookmarks=true"
                    + "&timeoutSeconds=" + left + "&resourceVersion=" + revision)
                    .timeout(Duration.ofSeconds(left + 10)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                System.out.println("watch answered HTTP " + r.statusCode());
                System.exit(1);
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode event = JSON.readTree(line);
                    JsonNode pod = event.path("object");
                    revision = pod.path("metadata").path("resourceVersion").asText(revision);
                    String type = event.path("type").asText();
                    if (type.equals("BOOKMARK")) {
                        continue;
                    }
                    String name = pod.path("metadata").path("name").asText();
                    counted.put(name, !type.equals("DELETED") && counts(pod, node));
                    if (done(counted, count)) {
                        break;
                    }
                }
            }
        }
        if (done(counted, count)) {
            System.out.println("ready_at_ms=" + System.currentTimeMillis());
            System.exit(0);
        }
        System.out.println("not reached: " + counted.values().stream().filter(b -> b).count() + " of " + count
                + " pods Ready on " + node);
        System.exit(1);
    }

    private static boolean done(Map<String, Boolean> counted, int count) {
        return counted.values().stream().filter(b -> b).count() >= count;
    }

    private static boolean counts(JsonNode pod, String node) {
        if (!pod.path("spec").path("nodeName").asText().equals(node) || pod.path("metadata").has("deletionTimestamp")) {
            return false;
        }
        for (JsonNode condition : pod.path("status").path("conditions")) {
            if (condition.path("type").asText().equals("Ready")) {
                return condition.path("status").asText().equals("True");
            }
        }
        return false;
    }
}
