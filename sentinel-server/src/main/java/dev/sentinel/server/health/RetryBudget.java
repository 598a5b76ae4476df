package dev.sentinel.server.health;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Caps retries at a share of requests over a sliding window, as Finagle's and Envoy's budgets do, so that
 * a failing upstream is not hammered by every client request times {@code max-attempts}: a retry is allowed
 * while {@code retries < max(percent% of requests, minPerSecond * window)} over the last window.
 *
 * <p>Counts live in one-second buckets of a ring; a bucket is cleared when its second comes round again.
 * Lock-free; a count may land in a neighbouring second under a race, which a budget can afford.
 */
public final class RetryBudget {
    private static final int WINDOW_SECONDS = 10;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int percent;
    private final int minPerSecond;
    private final AtomicLongArray seconds = new AtomicLongArray(WINDOW_SECONDS);
    private final AtomicLongArray requests = new AtomicLongArray(WINDOW_SECONDS);
    private final AtomicLongArray retries = new AtomicLongArray(WINDOW_SECONDS);

    public RetryBudget(int percent, int minPerSecond) {
        this.percent = percent;
        this.minPerSecond = minPerSecond;
    }

    /** A first attempt: it adds to what retries may spend. */
    public void onRequest(long nowNanos) {
        requests.incrementAndGet(bucket(nowNanos));
    }

    /** Spends one retry if the budget allows it. */
    public boolean tryRetry(long nowNanos) {
        int current = bucket(nowNanos);
        long second = nowNanos / NANOS_PER_SECOND;
        long requestSum = 0;
        long retrySum = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            if (second - seconds.get(i) < WINDOW_SECONDS) {
                requestSum += requests.get(i);
                retrySum += retries.get(i);
            }
        }
        long allowed = Math.max(requestSum * percent / 100, (long) minPerSecond * WINDOW_SECONDS);
        if (retrySum >= allowed) {
            return false;
        }
        retries.incrementAndGet(current);
        return true;
    }

    private int bucket(long nowNanos) {
        long second = nowNanos / NANOS_PER_SECOND;
        int index = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
        long seen = seconds.get(index);
        if (seen != second && seconds.compareAndSet(index, seen, second)) {
            requests.set(index, 0);
            retries.set(index, 0);
        }
        return index;
    }
}
