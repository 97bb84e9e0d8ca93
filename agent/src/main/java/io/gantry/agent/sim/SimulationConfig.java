package io.gantry.agent.sim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an agent simulates: {@code count} nodes named {@code <prefix>-0 .. <prefix>-(count-1)}, each with the
 * same capacity, and how often they heartbeat.
 *
 * @param prefix                node name prefix, e.g. {@code sim-<hostname>}
 * @param labels                extra node labels (on top of the kubernetes.io ones and gantry.io/simulated=true)
 * @param leaseRenewInterval    how often each node's Lease is renewed (kubelet: 10 s)
 * @param leaseDurationSeconds  the Lease's leaseDurationSeconds (kubelet: 40)
 * @param statusInterval        how often each node's Ready condition heartbeat is re-posted although nothing changed
 *                              (kubelet's nodeStatusReportFrequency: 5 min; health is judged from the Lease)
 * @param maxConcurrentRequests bound on simultaneous API requests in each of two lanes: registrations and
 *                              heartbeats, and pod status writes and deletions
 */
public record SimulationConfig(String prefix, int count, String cpu, String memory, String pods,
                               String ephemeralStorage, Map<String, String> labels, Duration leaseRenewInterval,
                               int leaseDurationSeconds, Duration statusInterval, int maxConcurrentRequests) {
    public SimulationConfig {
        Objects.requireNonNull(prefix, "prefix");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        labels = Map.copyOf(labels);
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be positive");
        }
    }

    public static SimulationConfig defaults(String prefix, int count) {
        return new SimulationConfig(prefix, count, "4", "16Gi", "110", "100Gi", Map.of(), Duration.ofSeconds(10), 40,
                Duration.ofMinutes(5), 64);
    }

    public SimulationConfig withCapacity(String cpu, String memory, String pods) {
        return new SimulationConfig(prefix, count, cpu, memory, pods, ephemeralStorage, labels, leaseRenewInterval,
                leaseDurationSeconds, statusInterval, maxConcurrentRequests);
    }

    public SimulationConfig withLabels(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.putAll(extra);
        return new SimulationConfig(prefix, count, cpu, memory, pods, ephemeralStorage, all, leaseRenewInterval,
                leaseDurationSeconds, statusInterval, maxConcurrentRequests);
    }

    public SimulationConfig withHeartbeats(Duration leaseRenew, Duration status) {
        return new SimulationConfig(prefix, count, cpu, memory, pods, ephemeralStorage, labels, leaseRenew,
                leaseDurationSeconds, status, maxConcurrentRequests);
    }

    /**
     * The kubelet's nodeLeaseDurationSeconds: the Lease says it lasts that long and is renewed every quarter of it
     * (the kubelet's renew interval fraction, 0.25), 10 s for the default 40.
     */
    public SimulationConfig withLeaseDuration(int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("the lease duration must be positive");
        }
        return new SimulationConfig(prefix, count, cpu, memory, pods, ephemeralStorage, labels,
                Duration.ofSeconds(seconds).dividedBy(4), seconds, statusInterval, maxConcurrentRequests);
    }

    public SimulationConfig withMaxConcurrentRequests(int max) {
        return new SimulationConfig(prefix, count, cpu, memory, pods, ephemeralStorage, labels, leaseRenewInterval,
                leaseDurationSeconds, statusInterval, max);
    }

    public String nodeName(int index) {
        return prefix + "-" + index;
    }
}
