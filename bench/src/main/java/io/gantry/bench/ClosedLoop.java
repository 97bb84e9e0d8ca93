package io.gantry.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N clients on virtual threads, each issuing its next operation as soon as the previous one returned, for a
 * warm-up and then a measured window. Only operations that complete inside the window count.
 */
final class ClosedLoop {
    /** One operation of client {@code client}, sequence number {@code n}; returns false on a failed request. */
    @FunctionalInterface
    interface Operation {
        boolean run(int client, long n) throws Exception;
    }

    record Result(long ok, long failed, double seconds, double opsPerSecond, double meanLatencyMs,
                  String firstError) {
    }

    private ClosedLoop() {
    }

    static Result run(int clients, Duration warmUp, Duration measure, long maxOpsPerClient, Operation op)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long measureTo = measureFrom + measure.toNanos();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong latencyNanos = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>("");
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofVirtual().name("client-" + c).start(() -> {
                for (long n = 0; n < maxOpsPerClient; n++) {
                    long t0 = System.nanoTime();
                    if (t0 >= measureTo) {
                        return;
                    }
                    boolean success;
                    try {
                        success = op.run(client, n);
                    } catch (Exception e) {
                        success = false;
                        firstError.compareAndSet("", e.toString());
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom && t1 <= measureTo) {
                        (success ? ok : failed).incrementAndGet();
                        latencyNanos.addAndGet(t1 - t0);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(warmUp.plus(measure).plus(ApiClient.REQUEST_TIMEOUT).plusSeconds(5));
        }
        double seconds = measure.toNanos() / 1e9;
        long total = ok.get() + failed.get();
        return new Result(ok.get(), failed.get(), seconds, ok.get() / seconds,
                total == 0 ? Double.NaN : latencyNanos.get() / 1e6 / total, firstError.get());
    }
}
