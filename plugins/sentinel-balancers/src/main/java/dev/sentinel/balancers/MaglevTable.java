package dev.sentinel.balancers;

import dev.sentinel.spi.Target;
import java.util.Arrays;
import java.util.List;

/**
 * Maglev's lookup table (Eisenbud et al., NSDI 2016): {@code size} slots, a prime, filled by letting the
 * targets take turns claiming the next free slot of their own permutation of the table. Each target ends
 * up with an almost equal share of slots (weights are not used), a key's slot is its hash modulo the
 * size, and when a target joins or leaves most slots keep their owner. Immutable once built; lookups are
 * one array read.
 */
final class MaglevTable {
    private final Target[] slots;

    MaglevTable(List<Target> targets, int size) {
        // The permutations depend on addresses, not on list order: the same set gives the same table.
        Target[] sorted = targets.toArray(Target[]::new);
        Arrays.sort(sorted, (a, b) -> a.address().compareTo(b.address()));
        int n = sorted.length;
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        for (int i = 0; i < n; i++) {
            String address = sorted[i].address();
            offset[i] = Long.remainderUnsigned(Hashing.hash64(address, 0x6f6666736574L), size);
            skip[i] = Long.remainderUnsigned(Hashing.hash64(address, 0x736b6970L), size - 1) + 1;
        }
        slots = new Target[size];
        int filled = 0;
        while (filled < size) {
            for (int i = 0; i < n && filled < size; i++) {
                int slot = (int) ((offset[i] + next[i] * skip[i]) % size);
                while (slots[slot] != null) {
                    next[i]++;
                    slot = (int) ((offset[i] + next[i] * skip[i]) % size);
                }
                slots[slot] = sorted[i];
                next[i]++;
                filled++;
            }
        }
    }

    Target owner(String key) {
        return slots[(int) Long.remainderUnsigned(Hashing.hash64(key, 0), slots.length)];
    }

    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
