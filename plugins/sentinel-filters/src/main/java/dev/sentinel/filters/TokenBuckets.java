package dev.sentinel.filters;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One token bucket per key, in a table of at most {@code maxKeys} keys.
 *
 * <p>Each bucket is one {@link AtomicLong}, updated by compare-and-set: the generic cell rate algorithm's
 * "theoretical arrival time" (TAT), the instant at which the bucket is full again. A request costs one
 * emission interval ({@code 1 s / rate}); the bucket holds {@code burst} of them. No locks, no allocation
 * for a key already in the table.
 *
 * <p><b>Bound.</b> A bucket whose TAT has passed is full, exactly like a fresh one, so dropping it loses
 * nothing. When an insert takes the table past {@code maxKeys}, the inserting thread (one at a time; the
 * others carry on) drops every full bucket, and if the table is still above 90 % of {@code maxKeys}, the
 * buckets closest to full until it is not: under a flood of new keys those are the newcomers, while keys
 * that are really being limited keep their state. Between sweeps the table may exceed {@code maxKeys} by
 * the inserts racing the sweep, which the server's connection limits bound.
 */
final class TokenBuckets {
    private final long intervalNanos;
    private final long capacityNanos;
    private final int maxKeys;
    private final int sweepTarget;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, AtomicLong> buckets = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicLong evictedActive = new AtomicLong();

    /**
     * @param ratePerSecond tokens added per second, at least 1
     * @param burst         the bucket's capacity in tokens, at least 1
     * @param nanoClock     {@link System#nanoTime()}, or a test's clock
     */
    TokenBuckets(int ratePerSecond, int burst, int maxKeys, LongSupplier nanoClock) {
        this.intervalNanos = 1_000_000_000L / ratePerSecond;
        this.capacityNanos = intervalNanos * burst;
        this.maxKeys = maxKeys;
        this.sweepTarget = maxKeys - Math.max(1, maxKeys / 10);
        this.nanoClock = nanoClock;
    }

    long intervalNanos() {
        return intervalNanos;
    }

    long capacityNanos() {
        return capacityNanos;
    }

    /**
     * Takes one token from {@code key}'s bucket when it has one, or when one comes within
     * {@code maxWaitNanos}; otherwise takes nothing.
     *
     * @return the bucket's debt after this request, in nanoseconds: at most {@link #capacityNanos()} when
     *         a token was there; up to {@code maxWaitNanos} more when the request got one by waiting that
     *         excess; beyond that, the request got none and the excess is how long until one is there
     */
    long take(String key, long maxWaitNanos) {
        long now = nanoClock.getAsLong();
        AtomicLong bucket = buckets.get(key);
        boolean inserted = false;
        if (bucket == null) {
            AtomicLong fresh = new AtomicLong(now);
            bucket = buckets.putIfAbsent(key, fresh);
            if (bucket == null) {
                bucket = fresh;
                inserted = true;
            }
        }
        long debt = take(bucket, now, maxWaitNanos);
        if (inserted && buckets.size() > maxKeys && sweeping.compareAndSet(false, true)) {
            try {
                sweep(nanoClock.getAsLong());
            } finally {
                sweeping.set(false);
            }
        }
        return debt;
    }

    private long take(AtomicLong bucket, long now, long maxWaitNanos) {
        while (true) {
            long tat = bucket.get();
            long start = tat - now > 0 ? tat : now;
            long debt = start - now + intervalNanos;
            if (debt > capacityNanos + maxWaitNanos || bucket.compareAndSet(tat, start + intervalNanos)) {
                return debt;
            }
        }
    }

    int size() {
        return buckets.size();
    }

    /** Buckets dropped while not full: the table was too small for the keys in use. */
    long evictedActive() {
        return evictedActive.get();
    }

    /** {@link #evictedActive()}, counting afresh from now. */
    long takeEvictedActive() {
        return evictedActive.getAndSet(0);
    }

    private void sweep(long now) {
        buckets.values().removeIf(tat -> tat.get() - now <= 0);
        int excess = buckets.size() - sweepTarget;
        if (excess <= 0) {
            return;
        }
        long[] debts = new long[buckets.size()];
        int n = 0;
        for (AtomicLong tat : buckets.values()) {
            if (n == debts.length) {
                break;
            }
            debts[n++] = tat.get() - now;
        }
        if (n == 0) {
            return;
        }
        Arrays.sort(debts, 0, n);
        long threshold = debts[Math.min(excess, n) - 1];
        int removed = 0;
        for (Map.Entry<String, AtomicLong> entry : buckets.entrySet()) {
            if (removed >= excess) {
                break;
            }
            if (entry.getValue().get() - now <= threshold && buckets.remove(entry.getKey(), entry.getValue())) {
                removed++;
            }
        }
        evictedActive.addAndGet(removed);
    }
}
