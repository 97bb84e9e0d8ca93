package io.gantry.controllers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' (UID-tracking) ControllerExpectations: after a controller asks for creations or deletions, it does
 * not act on the same controller key again until the informer has shown them (or the expectation timed out),
 * so a stale cache does not make it create or delete twice. Creations are counted; deletions are tracked by pod
 * key so a delete seen twice (deletionTimestamp, then removal) lowers the count once.
 */
public final class Expectations {
    /** Kubernetes' ExpectationsTimeout: a lost watch event must not wedge a controller for ever. */
    public static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        int adds;
        final Set<String> deletes = new HashSet<>();
        Instant timestamp;
    }

    public Expectations(Clock clock) {
        this.clock = clock;
    }

    /** True when the controller may act: nothing pending, or the expectation expired. */
    public synchronized boolean satisfied(String controllerKey) {
        Entry e = entries.get(controllerKey);
        if (e == null) {
            return true;
        }
        if (e.adds <= 0 && e.deletes.isEmpty()) {
            return true;
        }
        return Duration.between(e.timestamp, clock.instant()).compareTo(TIMEOUT) > 0;
    }

    public synchronized void expectCreations(String controllerKey, int count) {
        Entry e = fresh(controllerKey);
        e.adds = count;
    }

    public synchronized void expectDeletions(String controllerKey, Set<String> podKeys) {
        Entry e = fresh(controllerKey);
        e.deletes.addAll(podKeys);
    }

    private Entry fresh(String controllerKey) {
        Entry e = new Entry();
        e.timestamp = clock.instant();
        entries.put(controllerKey, e);
        return e;
    }

    public synchronized void creationObserved(String controllerKey) {
        Entry e = entries.get(controllerKey);
        if (e != null && e.adds > 0) {
            e.adds--;
        }
    }

    public synchronized void deletionObserved(String controllerKey, String podKey) {
        Entry e = entries.get(controllerKey);
        if (e != null) {
            e.deletes.remove(podKey);
        }
    }

    public synchronized void delete(String controllerKey) {
        entries.remove(controllerKey);
    }

    /** Pending creations (for tests and logs). */
    public synchronized int pendingCreations(String controllerKey) {
        Entry e = entries.get(controllerKey);
        return e == null ? 0 : e.adds;
    }
}
