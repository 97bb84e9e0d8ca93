package io.gantry.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A concurrent latency histogram with fixed memory however many samples arrive: 0.1 ms buckets up to 100 ms,
 * 1 ms up to 1 s, 10 ms up to 60 s, and one overflow bucket. Percentiles are reported as a bucket's upper
 * bound, so they err on the slow side by at most one bucket; the maximum is exact.
 */
final class Latencies {
    private static final int FINE = 1000;
    private static final int MEDIUM = 900;
    private static final int COARSE = 5900;
    private final AtomicLongArray buckets = new AtomicLongArray(FINE + MEDIUM + COARSE + 1);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();

    void record(long nanos) {
        long micros = Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos));
        int index;
        if (micros < 100_000) {
            index = (int) (micros / 100);
        } else if (micros < 1_000_000) {
            index = FINE + (int) ((micros - 100_000) / 1000);
        } else if (micros < 60_000_000) {
            index = FINE + MEDIUM + (int) ((micros - 1_000_000) / 10_000);
        } else {
            index = FINE + MEDIUM + COARSE;
        }
        buckets.incrementAndGet(index);
        count.incrementAndGet();
        maxNanos.accumulateAndGet(nanos, Math::max);
    }

    long count() {
        return count.get();
    }

    double maxMs() {
        return maxNanos.get() / 1e6;
    }

    /** The latency in ms below which a fraction {@code q} of the samples lie (upper bucket bound). */
    double percentileMs(double q) {
        long total = count.get();
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < buckets.length(); i++) {
            seen += buckets.get(i);
            if (seen >= rank) {
                return Math.min(upperBoundMicros(i) / 1000.0, maxMs());
            }
        }
        return maxMs();
    }

    private static long upperBoundMicros(int index) {
        if (index < FINE) {
            return (index + 1) * 100L;
        }
        if (index < FINE + MEDIUM) {
            return 100_000L + (index - FINE + 1) * 1000L;
        }
        if (index < FINE + MEDIUM + COARSE) {
            return 1_000_000L + (index - FINE - MEDIUM + 1) * 10_000L;
        }
        return Long.MAX_VALUE;
    }
}
