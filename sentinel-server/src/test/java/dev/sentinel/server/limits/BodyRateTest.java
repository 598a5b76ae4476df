package dev.sentinel.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.junit.jupiter.api.Test;

class BodyRateTest {
    private static final long START = 1_000_000_000L;

    private static long at(long millis) {
        return START + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static long millis(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void theFirstSecondOfWaitingIsNeverJudged() {
        BodyRate rate = new BodyRate(1024);
        rate.waitAllowedNanos(at(0));
        assertFalse(rate.tooSlowAfter(1, at(999)));
    }

    @Test
    void exactlyTheMinimumPassesAndOneByteLessDoesNot() {
        BodyRate atMinimum = new BodyRate(1024);
        atMinimum.waitAllowedNanos(at(0));
        assertFalse(atMinimum.tooSlowAfter(2048, at(2000)), "2048 bytes after 2 s of waiting");

        BodyRate below = new BodyRate(1024);
        below.waitAllowedNanos(at(0));
        assertTrue(below.tooSlowAfter(2047, at(2000)), "2047 bytes after 2 s of waiting");
    }

    @Test
    void aTrickleIsJudgedOverItsWaitsOnly() {
        BodyRate rate = new BodyRate(1024);
        long now = 0;
        for (int i = 0; i < 9; i++) {
            rate.waitAllowedNanos(at(now));
            now += 100;
            assertFalse(rate.tooSlowAfter(10, at(now)), "within the grace second");
        }
        rate.waitAllowedNanos(at(now));
        assertTrue(rate.tooSlowAfter(10, at(now + 100)), "100 bytes over a second of waits");
    }

    @Test
    void timeSentinelSpendsElsewhereIsNotTheClients() {
        BodyRate rate = new BodyRate(1024);
        assertFalse(rate.tooSlowAfter(100, at(0)));
        assertFalse(rate.tooSlowAfter(100, at(60_000)), "read without waiting, a minute later (an upstream slow to read)");
        assertEquals(millis(1000), rate.waitAllowedNanos(at(60_000)), "nothing waited yet: the whole grace second");
    }

    @Test
    void aWaitMayLastUntilTheTimeWaitedPassesWhatTheBytesPayFor() {
        BodyRate rate = new BodyRate(1024);
        rate.waitAllowedNanos(at(0));
        assertFalse(rate.tooSlowAfter(10 * 1024, at(2000)), "10 KiB pay for 10 s of waiting");
        assertEquals(millis(8000) + 1, rate.waitAllowedNanos(at(5000)), "2 s waited, 8 s left");
        assertEquals(millis(7000) + 1, rate.waitAllowedNanos(at(6000)), "the wait goes on after a wake-up");
        assertEquals(0, rate.waitAllowedNanos(at(13_001)));
    }

    @Test
    void aWaitThatRanOutWouldHaveBeenTooSlowAndOneANanosecondShorterNot() {
        BodyRate justInside = new BodyRate(1024);
        justInside.waitAllowedNanos(at(0));
        long allowed = justInside.waitAllowedNanos(at(0));
        assertFalse(justInside.tooSlowAfter(0, at(0) + allowed - 1));

        BodyRate ranOut = new BodyRate(1024);
        ranOut.waitAllowedNanos(at(0));
        assertTrue(ranOut.tooSlowAfter(0, at(0) + allowed));
    }

    @Test
    void aHugeBodyAtOneBytePerSecondDoesNotOverflowIntoTooSlow() {
        BodyRate rate = new BodyRate(1);
        assertFalse(rate.tooSlowAfter(Integer.MAX_VALUE, at(0)));
        assertFalse(rate.tooSlowAfter(Integer.MAX_VALUE, at(0)));
        assertFalse(rate.tooSlowAfter(Integer.MAX_VALUE, at(0)), "6.4 GB pay for decades of waiting at 1 byte/s");
        assertTrue(rate.waitAllowedNanos(at(0)) > TimeUnit.DAYS.toNanos(365 * 50));
        assertFalse(rate.tooSlowAfter(1, at(3_600_000)), "after an hour of waiting");
    }

    @Test
    void theFailureIsALastChunkCarryingATimeout() {
        Content.Chunk failure = new BodyRate(1024).failure();
        assertTrue(failure.isLast());
        assertTrue(Content.Chunk.isFailure(failure));
        assertEquals(TimeoutException.class, failure.getFailure().getClass());
    }
}
