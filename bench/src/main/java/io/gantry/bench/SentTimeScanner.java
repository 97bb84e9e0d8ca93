package io.gantry.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one watch stream as raw bytes, as they arrive, and records the latency of every event that carries a
 * {@code "sent":"<nanoTime>"} field. A byte-level matcher that survives buffer boundaries keeps the client cheap:
 * no line splitting, no decoding to strings, no JSON parsing, no hand-over to another thread.
 */
final class SentTimeScanner implements Flow.Subscriber<List<ByteBuffer>> {
    private static final byte[] MARKER = "\"sent\":\"".getBytes(StandardCharsets.US_ASCII);
    private final Latencies latencies;
    private final AtomicLong streamsEnded;
    private volatile Flow.Subscription subscription;
    private int matched;
    private boolean inNumber;
    private long number;

    SentTimeScanner(Latencies latencies, AtomicLong streamsEnded) {
        this.latencies = latencies;
        this.streamsEnded = streamsEnded;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        long received = System.nanoTime();
        for (ByteBuffer buffer : buffers) {
            while (buffer.hasRemaining()) {
                scan(buffer.get(), received);
            }
        }
    }

    private void scan(byte b, long received) {
        if (inNumber) {
            if (b >= '0' && b <= '9') {
                number = number * 10 + (b - '0');
                return;
            }
            inNumber = false;
            latencies.record(received - number);
        }
        if (b == MARKER[matched]) {
            matched++;
            if (matched == MARKER.length) {
                matched = 0;
                inNumber = true;
                number = 0;
            }
        } else {
            // Only '"' in the marker can start a new match after a mismatch.
            matched = b == MARKER[0] ? 1 : 0;
        }
    }

    @Override
    public void onError(Throwable error) {
        streamsEnded.incrementAndGet();
    }

    @Override
    public void onComplete() {
        streamsEnded.incrementAndGet();
    }

    /** Stops reading: closes the connection. */
    void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
