package dev.sentinel.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
    private static final long SECOND = 1_000_000_000L;
    /** An arbitrary nanoTime origin, negative as nanoTime may be. */
    private final AtomicLong now = new AtomicLong(-5 * SECOND);

    private boolean allowed(TokenBuckets buckets, String key) {
        return buckets.take(key, 0) <= buckets.capacityNanos();
    }

    @Test
    void aFreshBucketHoldsBurstTokensThenRefusesWithoutTakingOne() {
        TokenBuckets buckets = new TokenBuckets(10, 3, 100, now::get);
        assertEquals(SECOND / 10, buckets.take("a", 0), "one token taken: debt one interval");
        assertEquals(2 * SECOND / 10, buckets.take("a", 0));
        assertEquals(3 * SECOND / 10, buckets.take("a", 0));
        long refused = buckets.take("a", 0);
        assertEquals(4 * SECOND / 10, refused, "the excess over capacity is the wait for the next token");
        assertEquals(refused, buckets.take("a", 0), "a refused request takes nothing");
    }

    @Test
    void tokensComeBackAtTheRateAndNeverBeyondTheBurst() {
        TokenBuckets buckets = new TokenBuckets(2, 2, 100, now::get);
        assertTrue(allowed(buckets, "a"));
        assertTrue(allowed(buckets, "a"));
        assertTrue(!allowed(buckets, "a"));
        now.addAndGet(SECOND / 2 - 1);
        assertTrue(!allowed(buckets, "a"), "one nanosecond short of a token");
        now.addAndGet(1);
        assertTrue(allowed(buckets, "a"));
        assertTrue(!allowed(buckets, "a"));
        now.addAndGet(3600 * SECOND);
        assertTrue(allowed(buckets, "a"));
        assertTrue(allowed(buckets, "a"));
        assertTrue(!allowed(buckets, "a"), "an idle hour refills the burst, no more");
    }

    @Test
    void keysAreIndependent() {
        TokenBuckets buckets = new TokenBuckets(1, 1, 100, now::get);
        assertTrue(allowed(buckets, "a"));
        assertTrue(!allowed(buckets, "a"));
        assertTrue(allowed(buckets, "b"));
    }

    @Test
    void aRequestMayWaitUpToTheGivenTimeForItsToken() {
        TokenBuckets buckets = new TokenBuckets(1, 1, 100, now::get);
        assertEquals(SECOND, buckets.take("a", 0));
        long debt = buckets.take("a", SECOND);
        assertEquals(2 * SECOND, debt, "taken: it waits one second");
        assertEquals(3 * SECOND, buckets.take("a", SECOND), "refused: it would wait two");
        now.addAndGet(SECOND);
        assertEquals(2 * SECOND, buckets.take("a", SECOND), "the reservation held; one more second of wait");
    }

    @Test
    void theTableStaysWithinMaxKeysAndDropsFullBucketsFirst() {
        TokenBuckets buckets = new TokenBuckets(1, 2, 100, now::get);
        buckets.take("limited", 0);
        buckets.take("limited", 0);
        for (int i = 0; i < 10_000; i++) {
            buckets.take("flood-" + i, 0);
            assertTrue(buckets.size() <= 100, "size " + buckets.size() + " after " + i);
        }
        assertTrue(buckets.take("limited", 0) > buckets.capacityNanos(),
                "the key being limited kept its state: the newcomers, closest to full, went first");
        assertTrue(buckets.evictedActive() > 0);
        now.addAndGet(10 * SECOND);
        buckets.take("after", 0);
        buckets.take("after2", 0);
        assertTrue(buckets.size() <= 100);
    }

    @Test
    void fullBucketsAreDroppedWithoutCountingAsEvictions() {
        TokenBuckets buckets = new TokenBuckets(1000, 1, 10, now::get);
        for (int i = 0; i < 1000; i++) {
            buckets.take("k" + i, 0);
            now.addAndGet(SECOND / 100);
        }
        assertTrue(buckets.size() <= 10);
        assertEquals(0, buckets.evictedActive(), "every dropped bucket had refilled");
    }

    @Test
    void concurrentTakersNeverGetMoreThanTheBurst() throws Exception {
        TokenBuckets buckets = new TokenBuckets(1, 50, 100, now::get);
        AtomicLong granted = new AtomicLong();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100; i++) {
                    if (allowed(buckets, "shared")) {
                        granted.incrementAndGet();
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(50, granted.get());
    }
}
