package io.gantry.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child-process main for {@link SqliteCrashTest}: creates keys from several threads forever and prints
 * each key only after {@link Store#create} returned, so every printed line is an acknowledged write.
 */
public final class SqliteCrashWriter {
    static final String PREFIX = "/crash/";
    static final int THREADS = 4;

    private SqliteCrashWriter() {
    }

    public static void main(String[] args) throws InterruptedException {
        SqliteStore store = SqliteStore.open(Path.of(args[0]));
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                for (int i = 0; ; i++) {
                    String key = PREFIX + thread + "-" + i;
                    store.create(key, key.getBytes(StandardCharsets.UTF_8));
                    synchronized (System.out) {
                        System.out.println(key);
                        System.out.flush();
                    }
                }
            });
        }
        Thread.currentThread().join(); // until killed
    }
}
