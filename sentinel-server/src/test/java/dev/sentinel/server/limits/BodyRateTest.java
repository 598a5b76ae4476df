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

    @Test
    void theFirstSecondIsNeverJudged() {
        BodyRate rate = new BodyRate(1024);
        assertFalse(rate.tooSlowAfter(1, at(0)));
        assertFalse(rate.tooSlowAfter(1, at(999)));
    }

    @Test
    void exactlyTheMinimumPassesAndOneByteLessDoesNot() {
        BodyRate atMinimum = new BodyRate(1024);
        assertFalse(atMinimum.tooSlowAfter(48, at(0)));
        assertFalse(atMinimum.tooSlowAfter(2000, at(2000)), "2048 bytes in 2 s");

        BodyRate below = new BodyRate(1024);
        assertFalse(below.tooSlowAfter(48, at(0)));
        assertTrue(below.tooSlowAfter(1999, at(2000)), "2047 bytes in 2 s");
    }

    @Test
    void theClockStartsAtTheFirstByte() {
        BodyRate rate = new BodyRate(1024);
        assertFalse(rate.tooSlowAfter(1024, at(60_000)));
        assertFalse(rate.tooSlowAfter(1024, at(61_000)), "2048 bytes in the second since the first byte");
    }

    @Test
    void aBodyWaitedForBeforeItsFirstByteMayBeSilentForTheGraceSecond() {
        BodyRate rate = new BodyRate(1024);
        assertEquals(TimeUnit.SECONDS.toNanos(1), rate.silenceAllowedNanos(at(0)));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(600), rate.silenceAllowedNanos(at(400)), "the clock runs");
        assertEquals(0, rate.silenceAllowedNanos(at(1500)));
    }

    @Test
    void theClockStartsAtTheFirstWaitWhenItComesBeforeTheFirstByte() {
        BodyRate rate = new BodyRate(1024);
        rate.silenceAllowedNanos(at(0));
        assertTrue(rate.tooSlowAfter(1000, at(1000)), "1000 bytes in the second since the wait began");
    }

    @Test
    void theSilenceAllowedEndsWhereTheAverageWouldFallBelowTheMinimum() {
        BodyRate rate = new BodyRate(1024);
        assertFalse(rate.tooSlowAfter(10 * 1024, at(0)));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10_001 - 2000), rate.silenceAllowedNanos(at(2000)),
                "10 KiB pay for 10 s at 1 KiB/s");

        BodyRate before = new BodyRate(1024);
        before.tooSlowAfter(10 * 1024, at(0));
        assertFalse(before.tooSlowAfter(0, at(10_000)), "at the minimum a millisecond before the deadline");
        BodyRate atDeadline = new BodyRate(1024);
        atDeadline.tooSlowAfter(10 * 1024, at(0));
        assertTrue(atDeadline.tooSlowAfter(0, at(10_001)), "below it at the deadline");
    }

    @Test
    void theFailureIsALastChunkCarryingATimeout() {
        Content.Chunk failure = new BodyRate(1024).failure();
        assertTrue(failure.isLast());
        assertTrue(Content.Chunk.isFailure(failure));
        assertEquals(TimeoutException.class, failure.getFailure().getClass());
    }
}
