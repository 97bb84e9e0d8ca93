package io.gantry.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod with everything scheduling reads parsed once: requests, host ports, tolerations, labels. The pod tree
 * itself is shared with the informer and never modified.
 */
public final class PodInfo {
    /** What the scheduler assumes a container without requests uses, for scoring only (Kubernetes' values). */
    public static final long DEFAULT_MILLI_CPU = 100;
    public static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    private final ObjectNode pod;
    private final String key;
    private final Map<String, String> labels;
    private final Resources requests;
    private final long nonZeroMilliCpu;
    private final long nonZeroMemory;
    private final List<HostPort> hostPorts;
    private final List<Toleration> tolerations;
    private final int priority;
    private final String nodeName;
    /** Read for every pod on hundreds of nodes per scheduled pod (spreading): parsed once, not looked up each time. */
    private final String namespace;
    private final boolean terminating;

    private PodInfo(PodInfo other, String nodeName) {
        this.namespace = other.namespace;
        this.terminating = other.terminating;
        this.pod = other.pod;
        this.key = other.key;
        this.labels = other.labels;
        this.requests = other.requests;
        this.nonZeroMilliCpu = other.nonZeroMilliCpu;
        this.nonZeroMemory = other.nonZeroMemory;
        this.hostPorts = other.hostPorts;
        this.tolerations = other.tolerations;
        this.priority = other.priority;
        this.nodeName = nodeName;
    }

    /** The same pod as the scheduler assumes it once placed, before the API server has the binding. */
    public PodInfo assignedTo(String node) {
        return new PodInfo(this, node);
    }

    public PodInfo(ObjectNode pod, int priority) {
        this.pod = pod;
        this.nodeName = pod.path("spec").path("nodeName").asText("");
        this.priority = priority;
        this.namespace = pod.path("metadata").path("namespace").asText("default");
        this.terminating = pod.path("metadata").hasNonNull("deletionTimestamp");
        this.key = namespace + "/" + name();
        this.labels = labelsOf(pod.path("metadata"));
        JsonNode spec = pod.path("spec");
        Resources sum = new Resources();
        long cpu = 0;
        long mem = 0;
        hostPorts = new ArrayList<>();
        for (JsonNode c : spec.path("containers")) {
            Resources r = containerRequests(c);
            sum.add(r);
            cpu += r.milliCpu == 0 && !hasRequest(c, "cpu") ? DEFAULT_MILLI_CPU : r.milliCpu;
            mem += r.memory == 0 && !hasRequest(c, "memory") ? DEFAULT_MEMORY : r.memory;
            for (JsonNode p : c.path("ports")) {
                int hp = p.path("hostPort").asInt(0);
                if (hp > 0) {
                    String ip = p.path("hostIP").asText("");
                    hostPorts.add(new HostPort(ip.isEmpty() ? "0.0.0.0" : ip, p.path("protocol").asText("TCP"), hp));
                }
            }
        }
        for (JsonNode c : spec.path("initContainers")) {
            Resources r = containerRequests(c);
            sum.max(r);
            cpu = Math.max(cpu, r.milliCpu);
            mem = Math.max(mem, r.memory);
        }
        if (spec.path("overhead").isObject()) {
            Resources overhead = Resources.fromList(spec.path("overhead"));
            sum.add(overhead);
            cpu += overhead.milliCpu;
            mem += overhead.memory;
        }
        this.requests = sum;
        this.nonZeroMilliCpu = cpu;
        this.nonZeroMemory = mem;
        this.tolerations = Toleration.of(spec.path("tolerations"));
    }

    private static boolean hasRequest(JsonNode container, String name) {
        JsonNode res = container.path("resources");
        return res.path("requests").has(name) || res.path("limits").has(name);
    }

    /** Requests, falling back to limits as the API server's defaulting does. */
    private static Resources containerRequests(JsonNode container) {
        JsonNode res = container.path("resources");
        Resources r = Resources.fromList(res.path("limits"));
        res.path("requests").properties().forEach(e -> r.set(e.getKey(), e.getValue().asText()));
        return r;
    }

    public static Map<String, String> labelsOf(JsonNode metadata) {
        Map<String, String> out = new HashMap<>();
        metadata.path("labels").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    public ObjectNode pod() {
        return pod;
    }

    public String key() {
        return key;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return pod.path("metadata").path("name").asText();
    }

    public String uid() {
        return pod.path("metadata").path("uid").asText("");
    }

    public JsonNode spec() {
        return pod.path("spec");
    }

    public String nodeName() {
        return nodeName;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Resources requests() {
        return requests;
    }

    public long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    public long nonZeroMemory() {
        return nonZeroMemory;
    }

    public List<HostPort> hostPorts() {
        return hostPorts;
    }

    public List<Toleration> tolerations() {
        return tolerations;
    }

    public int priority() {
        return priority;
    }

    public JsonNode affinity() {
        return pod.path("spec").path("affinity");
    }

    public boolean hasRequiredAntiAffinity() {
        return affinity().path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution").size() > 0;
    }

    public boolean hasPodAffinityTerms() {
        JsonNode a = affinity();
        return a.path("podAffinity").isObject() || a.path("podAntiAffinity").isObject();
    }

    public boolean terminating() {
        return terminating;
    }
}
