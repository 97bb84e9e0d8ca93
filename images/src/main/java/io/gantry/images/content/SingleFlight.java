package io.gantry.images.content;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Runs one piece of work per key at a time and hands its outcome to every caller that asked for the same key
 * meanwhile. The first caller does the work on its own thread; later callers wait. Once done the key is
 * forgotten, so a failure is not cached: the next caller tries again.
 */
public final class SingleFlight<K, V> {
    /** The work, allowed to fail with an I/O error. */
    @FunctionalInterface
    public interface Work<V> {
        V run() throws IOException;
    }

    private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    public V run(K key, Work<V> work) throws IOException {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return await(existing);
        }
        try {
            V value = work.run();
            mine.complete(value);
            return value;
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Keys with work in progress, e.g. so garbage collection leaves their results alone. */
    public boolean isRunning(K key) {
        return inFlight.containsKey(key);
    }

    private static <V> V await(CompletableFuture<V> shared) throws IOException {
        try {
            return shared.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a shared download or unpack");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // the worker's exception itself, so callers can still tell a digest mismatch or a registry error
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }
}
