package io.gantry.agent.node.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.validation.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The order in which the kubelet's eviction manager picks pods for a starved resource, first to evict first:
 * <ul>
 *     <li>memory: pods whose working set exceeds their memory request (a BestEffort pod requests nothing, so
 *     any use exceeds it; a Guaranteed pod cannot exceed, its limit being its request), then lower priority, then
 *     more use above the request;</li>
 *     <li>disk ({@code nodefs}, {@code imagefs}): the same with the pod's disk use and its ephemeral-storage
 *     request (inodes have no requests: any use exceeds); on a dedicated image file system only writable layers
 *     fill it, so only they count for {@code imagefs}; on a shared one it ranks as {@code nodefs};</li>
 *     <li>pids: lower priority, then more processes.</li>
 * </ul>
 * Pods equal by all of these keep the order they came in.
 */
public final class EvictionRanking {
    private EvictionRanking() {
    }

    /** A pod that may be evicted, with what it uses. */
    public record Candidate(ObjectNode pod, PodStats stats) {
    }

    public static List<Candidate> rank(EvictionSignal signal, ImageFs imageFs, List<Candidate> candidates) {
        return candidates.stream().sorted(order(imageFs.rankedAs(signal))).toList();
    }

    private static Comparator<Candidate> order(EvictionSignal signal) {
        return switch (signal) {
            case MEMORY_AVAILABLE -> overRequests(c -> c.stats().memoryBytes(), c -> request(c.pod(), "memory"));
            case NODEFS_AVAILABLE -> overRequests(c -> c.stats().diskBytes(), c -> request(c.pod(), "ephemeral-storage"));
            case IMAGEFS_AVAILABLE -> overRequests(c -> c.stats().writableBytes(),
                    c -> request(c.pod(), "ephemeral-storage"));
            case NODEFS_INODES_FREE -> overRequests(c -> c.stats().diskInodes(), c -> 0);
            case IMAGEFS_INODES_FREE -> overRequests(c -> c.stats().writableInodes(), c -> 0);
            case PID_AVAILABLE -> byPriority().thenComparing(
                    Comparator.comparingLong((Candidate c) -> c.stats().processes()).reversed());
        };
    }

    private static Comparator<Candidate> overRequests(ToLongFunction<Candidate> usage,
                                                      ToLongFunction<Candidate> request) {
        Comparator<Candidate> exceedingFirst = Comparator.comparing(c -> usage.applyAsLong(c) <= request.applyAsLong(c));
        Comparator<Candidate> mostAbove = Comparator.comparingLong(
                (Candidate c) -> usage.applyAsLong(c) - request.applyAsLong(c)).reversed();
        return exceedingFirst.thenComparing(byPriority()).thenComparing(mostAbove);
    }

    /** Lower priority first; a pod without one has 0, as the kubelet counts it. */
    private static Comparator<Candidate> byPriority() {
        return Comparator.comparingInt(c -> c.pod().path("spec").path("priority").asInt(0));
    }

    /**
     * What the pod requests of a resource, as the kubelet's PodRequests: the containers' requests summed, or the
     * largest init container's request when that is more (init containers run one at a time, before the others).
     */
    static long request(JsonNode pod, String resource) {
        long containers = 0;
        for (JsonNode c : pod.path("spec").path("containers")) {
            containers += quantity(c.path("resources").path("requests").path(resource));
        }
        long init = 0;
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            init = Math.max(init, quantity(c.path("resources").path("requests").path(resource)));
        }
        return Math.max(containers, init);
    }

    private static long quantity(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return 0;
        }
        return Quantity.parse(value.asText()).map(q -> q.setScale(0, RoundingMode.CEILING))
                .map(BigDecimal::longValue).orElse(0L);
    }
}
