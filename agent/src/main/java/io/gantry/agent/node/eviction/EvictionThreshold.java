package io.gantry.agent.node.eviction;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A hard eviction threshold: the signal is past it while less than {@code minimum} is available.
 *
 * @param text how the threshold was written, e.g. {@code memory.available<100Mi}
 */
public record EvictionThreshold(EvictionSignal signal, Minimum minimum, String text) {

    /** The least that must stay available: an amount, or a share of the signal's capacity. */
    public sealed interface Minimum {
        /** The amount this minimum stands for on a resource of {@code capacity}. */
        long of(long capacity);
    }

    /** @param amount bytes, or inodes or pids */
    public record Amount(long amount) implements Minimum {
        public Amount {
            if (amount <= 0) {
                throw new IllegalArgumentException("a threshold amount must be positive");
            }
        }

        @Override
        public long of(long capacity) {
            return amount;
        }
    }

    /** @param percent more than 0, at most 100 */
    public record Percentage(BigDecimal percent) implements Minimum {
        public Percentage {
            if (percent.signum() <= 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new IllegalArgumentException("a threshold percentage must be more than 0 and at most 100");
            }
        }

        @Override
        public long of(long capacity) {
            return BigDecimal.valueOf(capacity).multiply(percent).divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING)
                    .longValueExact();
        }
    }

    /** Whether an observation is past this threshold: less available than the minimum. */
    public boolean metBy(Observation observation) {
        return observation.available() < minimum.of(observation.capacity());
    }
}
