package io.gantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.gantry.client.Projection;
import io.gantry.client.WatchEventReader;

/**
 * The few fields of one pod watch event the benchmarks need. The watch reader builds only these and passes over
 * the rest of each event (managedFields, the spec's containers) as bytes, so the watcher's CPU stays small next to
 * the server's.
 */
record PodEvent(String type, String name, String resourceVersion, String nodeName, String phase) {
    /** What the benchmarks' watch readers keep of each pod. */
    static final Projection FIELDS = Projection.only("metadata.name", "metadata.resourceVersion", "spec.nodeName",
            "status.phase");

    static PodEvent of(WatchEventReader.Event event) {
        JsonNode pod = event.object() == null ? MissingNode.getInstance()
                : event.object();
        return new PodEvent(event.type(), pod.path("metadata").path("name").asText(""),
                pod.path("metadata").path("resourceVersion").asText(""), pod.path("spec").path("nodeName").asText(""),
                pod.path("status").path("phase").asText(""));
    }
}
