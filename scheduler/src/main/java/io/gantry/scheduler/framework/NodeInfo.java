package io.gantry.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.selector.LabelSelector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node and the pods counted on it, with their summed requests and used host ports kept up to date as pods
 * come and go, so a decision never re-adds all pods. Not thread-safe: the cache guards it.
 */
public final class NodeInfo {
    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private final String name;
    private ObjectNode node;
    private Map<String, String> labels = Map.of();
    /**
     * The labels system-default topology spreading reads on hundreds of nodes for every pod it scores, kept in
     * fields: a lookup in the label map missed the CPU caches for most nodes and cost a third of a scheduling cycle.
     */
    private String hostnameLabel;
    private String zoneLabel;
    private Resources allocatable = new Resources();
    private long allocatablePods;
    private List<Taint> taints = List.of();
    private boolean unschedulable;
    private final Map<String, PodInfo> pods = new LinkedHashMap<>();
    /** pods.size(), kept here because filters read it for hundreds of nodes per pod: one memory load less each. */
    private int podCount;
    private final Resources requested = new Resources();
    private long nonZeroMilliCpu;
    private long nonZeroMemory;
    /*
     * What the resource filter and score read for hundreds of nodes per pod, kept as primitives of this object and
     * up to date on every change: reading them through the allocatable and requested Resources objects cost two
     * more cache misses per node, most of a filter pass over 500 nodes.
     */
    private long allocatableMilliCpu;
    private long allocatableMemory;
    private long freeMilliCpu;
    private long freeMemory;
    private long freeEphemeralStorage;
    private long freePods;
    private final List<HostPort> usedPorts = new ArrayList<>();
    private int podsWithAffinity;
    /** Where this node's values are copied for filters and scores that read many nodes, if anywhere. */
    private NodeColumns columns;
    private int slot = -1;

    public NodeInfo(String name) {
        this.name = name;
    }

    /** A node with its object set; convenient for tests. */
    public static NodeInfo of(ObjectNode node) {
        NodeInfo info = new NodeInfo(node.path("metadata").path("name").asText());
        info.setNode(node);
        return info;
    }

    public void setNode(ObjectNode node) {
        this.node = node;
        this.labels = PodInfo.labelsOf(node.path("metadata"));
        this.hostnameLabel = labels.get(HOSTNAME_LABEL);
        this.zoneLabel = labels.get(ZONE_LABEL);
        JsonNode status = node.path("status");
        JsonNode alloc = status.path("allocatable").isObject() ? status.path("allocatable") : status.path("capacity");
        this.allocatable = Resources.fromList(alloc);
        this.allocatablePods = alloc.has("pods") ? Resources.whole(io.gantry.api.validation.Quantity
                .parse(alloc.path("pods").asText()).orElse(java.math.BigDecimal.ZERO)) : 110;
        this.allocatableMilliCpu = allocatable.milliCpu;
        this.allocatableMemory = allocatable.memory;
        updateFree();
        this.unschedulable = node.path("spec").path("unschedulable").asBoolean(false);
        List<Taint> t = new ArrayList<>(Taint.of(node.path("spec").path("taints")));
        // Kubernetes' node lifecycle controller taints nodes by condition; do the same here so that a node that is
        // not Ready is refused with the same message even without that controller.
        String ready = readyStatus(node);
        boolean hasConditionTaint = t.stream().anyMatch(x -> x.key().equals(NOT_READY) || x.key().equals(UNREACHABLE));
        if (!ready.equals("True") && !hasConditionTaint) {
            t.add(new Taint(ready.equals("False") ? NOT_READY : UNREACHABLE, "", "NoSchedule"));
        }
        this.taints = List.copyOf(t);
        publish();
    }

    static String readyStatus(JsonNode node) {
        for (JsonNode c : node.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText("Unknown");
            }
        }
        return "Unknown";
    }

    /** A copy to try changes on (preemption removes pods from it); shares the immutable pod records. */
    public NodeInfo copy() {
        NodeInfo c = new NodeInfo(name);
        if (node != null) {
            c.setNode(node);
        }
        pods.values().forEach(c::addPod);
        return c;
    }

    public void addPod(PodInfo pod) {
        PodInfo old = pods.put(pod.key(), pod);
        if (old != null) {
            account(old, -1);
        }
        account(pod, 1);
    }

    public boolean removePod(String key) {
        PodInfo old = pods.remove(key);
        if (old != null) {
            account(old, -1);
            return true;
        }
        return false;
    }

    private void account(PodInfo pod, int sign) {
        if (sign > 0) {
            requested.add(pod.requests());
            usedPorts.addAll(pod.hostPorts());
        } else {
            requested.subtract(pod.requests());
            for (HostPort p : pod.hostPorts()) {
                usedPorts.remove(p);
            }
        }
        nonZeroMilliCpu += sign * pod.nonZeroMilliCpu();
        nonZeroMemory += sign * pod.nonZeroMemory();
        if (pod.hasPodAffinityTerms()) {
            podsWithAffinity += sign;
        }
        podCount = pods.size();
        updateFree();
        publish();
    }

    /** Called by {@link NodeColumns#attach}: from now on this node's values are copied to that slot. */
    void attach(NodeColumns columns, int slot) {
        this.columns = columns;
        this.slot = slot;
        publish();
    }

    /** Stops copying values to the slot this node had (another node may take it). */
    public void detach() {
        this.columns = null;
        this.slot = -1;
    }

    /** The node's slot in the columns it is attached to, or -1. */
    public int slot() {
        return slot;
    }

    private void publish() {
        if (columns != null) {
            columns.write(slot, this);
        }
    }

    /** The {@link NodeColumns} flags that describe this node. */
    int columnFlags() {
        int flags = (unschedulable ? NodeColumns.UNSCHEDULABLE : 0)
                | (hostnameLabel != null ? NodeColumns.HOSTNAME : 0);
        for (Taint t : taints) {
            switch (t.effect()) {
                case "NoSchedule", "NoExecute" -> flags |= NodeColumns.HARD_TAINTS;
                case "PreferNoSchedule" -> flags |= NodeColumns.SOFT_TAINTS;
                default -> { }
            }
        }
        return flags;
    }

    private void updateFree() {
        freeMilliCpu = allocatable.milliCpu - requested.milliCpu;
        freeMemory = allocatable.memory - requested.memory;
        freeEphemeralStorage = allocatable.ephemeralStorage - requested.ephemeralStorage;
        freePods = allocatablePods - podCount;
    }

    public String name() {
        return name;
    }

    public ObjectNode node() {
        return node;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /** The value of a label, or null; the same as {@code labels().get(key)}, faster for hostname and zone. */
    public String label(String key) {
        return switch (key) {
            case HOSTNAME_LABEL -> hostnameLabel;
            case ZONE_LABEL -> zoneLabel;
            default -> labels.get(key);
        };
    }

    public Resources allocatable() {
        return allocatable;
    }

    public long allocatablePods() {
        return allocatablePods;
    }

    public List<Taint> taints() {
        return taints;
    }

    public boolean unschedulable() {
        return unschedulable;
    }

    public Collection<PodInfo> pods() {
        return pods.values();
    }

    /**
     * The pods here in {@code namespace}, not terminating, whose labels {@code selector} matches. The scheduler's
     * cache answers this for all nodes at once from an index ({@link ClusterView#matchingPodsByNode}).
     */
    public int matchingPods(LabelSelector selector, String namespace) {
        int count = 0;
        for (PodInfo p : pods.values()) {
            if (!p.terminating() && p.namespace().equals(namespace) && selector.matches(p.labels())) {
                count++;
            }
        }
        return count;
    }

    public int podCount() {
        return podCount;
    }

    public Resources requested() {
        return requested;
    }

    /** Allocatable cpu in millicores (the same as {@code allocatable().milliCpu}, read without a second object). */
    public long allocatableMilliCpu() {
        return allocatableMilliCpu;
    }

    /** Allocatable memory in bytes (the same as {@code allocatable().memory}). */
    public long allocatableMemory() {
        return allocatableMemory;
    }

    /** Allocatable cpu minus what the counted pods request, in millicores; negative when overcommitted. */
    public long freeMilliCpu() {
        return freeMilliCpu;
    }

    public long freeMemory() {
        return freeMemory;
    }

    public long freeEphemeralStorage() {
        return freeEphemeralStorage;
    }

    /** How many more pods the node takes by its pod count. */
    public long freePods() {
        return freePods;
    }

    public long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    public long nonZeroMemory() {
        return nonZeroMemory;
    }

    public List<HostPort> usedPorts() {
        return usedPorts;
    }

    public boolean hasPodsWithAffinity() {
        return podsWithAffinity > 0;
    }
}
