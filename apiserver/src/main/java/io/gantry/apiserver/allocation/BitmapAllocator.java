package io.gantry.apiserver.allocation;

import java.util.BitSet;
import java.util.OptionalInt;

/**
 * Hands out numbers from [0, size) without duplicates. Allocation scans from a rotating position so a
 * released number is not immediately reused (clients may still cache it).
 */
final class BitmapAllocator {
    private final BitSet used;
    private final int size;
    private int next;

    BitmapAllocator(int size) {
        this.size = size;
        this.used = new BitSet(size);
    }

    synchronized OptionalInt allocateNext() {
        for (int i = 0; i < size; i++) {
            int candidate = (next + i) % size;
            if (!used.get(candidate)) {
                used.set(candidate);
                next = (candidate + 1) % size;
                return OptionalInt.of(candidate);
            }
        }
        return OptionalInt.empty();
    }

    synchronized boolean allocate(int n) {
        if (n < 0 || n >= size || used.get(n)) {
            return false;
        }
        used.set(n);
        return true;
    }

    synchronized void release(int n) {
        if (n >= 0 && n < size) {
            used.clear(n);
        }
    }

    synchronized boolean isAllocated(int n) {
        return n >= 0 && n < size && used.get(n);
    }
}
