package io.gantry.agent.node.eviction;

/** The status message of an evicted pod, worded as the kubelet's, with quantities written as Kubernetes does. */
public final class EvictionMessage {
    private static final String[] BINARY = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final String[] DECIMAL = {"k", "M", "G", "T", "P", "E"};

    private EvictionMessage() {
    }

    /** E.g. "The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. " */
    public static String of(EvictionThreshold threshold, Observation observation) {
        EvictionSignal signal = threshold.signal();
        long minimum = threshold.minimum().of(observation.capacity());
        return "The node was low on resource: " + signal.resource() + ". Threshold quantity: "
                + quantity(minimum, signal.inBytes()) + ", available: "
                + quantity(observation.available(), signal.inBytes()) + ". ";
    }

    /**
     * A count as a canonical Kubernetes quantity: bytes with the largest binary suffix that keeps it whole
     * (52428800 is 50Mi), other counts with the largest decimal one (12000 is 12k).
     */
    static String quantity(long value, boolean binary) {
        long base = binary ? 1024 : 1000;
        String[] suffixes = binary ? BINARY : DECIMAL;
        if (value == 0) {
            return "0";
        }
        int exponent = -1;
        long rest = value;
        while (exponent + 1 < suffixes.length && rest % base == 0) {
            rest /= base;
            exponent++;
        }
        return exponent < 0 ? Long.toString(value) : rest + suffixes[exponent];
    }
}
