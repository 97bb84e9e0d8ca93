package io.gantry.images;

import io.gantry.images.oci.Digest;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps garbage collection away from content that a pull or import is still putting together and has not
 * recorded in {@code images.json} yet. A pull leases every blob and snapshot it will use before it looks
 * whether they exist; collection runs under the same lock and spares what is leased, so a pull never finds
 * something present that collection then deletes under it.
 */
final class GcLeases {
    /** Released by closing; a pull holds one from before its first existence check until it has recorded the image. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Digest, Integer> leased = new HashMap<>();
    private int pauses;

    Lease lease(Collection<Digest> digests) {
        lock.lock();
        try {
            digests.forEach(d -> leased.merge(d, 1, Integer::sum));
        } finally {
            lock.unlock();
        }
        return () -> {
            lock.lock();
            try {
                digests.forEach(d -> leased.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1));
            } finally {
                lock.unlock();
            }
        };
    }

    /** For work whose digests are only known once written (an archive import): no collection at all meanwhile. */
    Lease pauseCollection() {
        lock.lock();
        try {
            pauses++;
        } finally {
            lock.unlock();
        }
        return () -> {
            lock.lock();
            try {
                pauses--;
            } finally {
                lock.unlock();
            }
        };
    }

    /** A collection pass, told what is leased at the moment it runs. */
    interface Collector {
        long collect(Set<Digest> leasedNow) throws IOException;
    }

    /** Runs {@code collection} with the lock held (no new leases meanwhile); returns 0 if collection is paused. */
    long collect(Collector collection) throws java.io.IOException {
        lock.lock();
        try {
            if (pauses > 0) {
                return 0;
            }
            return collection.collect(new HashSet<>(leased.keySet()));
        } finally {
            lock.unlock();
        }
    }
}
