package dev.sentinel.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BodyWaitTimerTest {
    private static final long LONG = TimeUnit.SECONDS.toNanos(60);

    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
    private final AtomicInteger first = new AtomicInteger();
    private final AtomicInteger second = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        scheduler.start();
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.stop();
    }

    /**
     * A wait whose deadline has passed, with its wake-up scheduled a minute ahead: the test calls
     * {@code expire()} itself, as a late wake-up would, without the scheduler's thread racing it.
     */
    private static Runnable awaitPastItsDeadline(BodyWaitTimer timer, Runnable onAvailable) {
        return timer.await(onAvailable, NanoTime.now() - 2 * LONG, LONG);
    }

    @Test
    void aWaitThatRunsOutHandsItsCallbackToTheExecutorAndTheBodyReadsAsTooSlow() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        BodyWaitTimer timer = new BodyWaitTimer(scheduler, Runnable::run);
        timer.await(ran::countDown, NanoTime.now(), TimeUnit.MILLISECONDS.toNanos(10));
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the scheduled deadline ran the callback");
        assertTrue(timer.expired());
    }

    @Test
    void bytesAnswerAWaitOnceAndTheTimerThenFindsNothingToDo() {
        BodyWaitTimer timer = new BodyWaitTimer(scheduler, Runnable::run);
        Runnable onBytes = awaitPastItsDeadline(timer, first::incrementAndGet);
        onBytes.run();
        timer.expire();
        assertEquals(1, first.get());
        assertFalse(timer.expired());
    }

    /** The race a review found: wait 1's wake-up, late, must not take wait 2, whose deadline is still ahead. */
    @Test
    void aLateWakeUpForAnAnsweredWaitLeavesTheNextWaitAlone() {
        BodyWaitTimer timer = new BodyWaitTimer(scheduler, Runnable::run);
        awaitPastItsDeadline(timer, first::incrementAndGet).run();
        Runnable onBytes = timer.await(second::incrementAndGet, NanoTime.now(), LONG);
        timer.expire();
        assertEquals(0, second.get());
        assertFalse(timer.expired());
        onBytes.run();
        assertEquals(1, second.get());
    }

    @Test
    void aWaitPastItsDeadlineIsTakenByTheTimer() {
        BodyWaitTimer timer = new BodyWaitTimer(scheduler, Runnable::run);
        Runnable onBytes = awaitPastItsDeadline(timer, first::incrementAndGet);
        timer.expire();
        onBytes.run();
        assertEquals(1, first.get());
        assertTrue(timer.expired());
    }

    @Test
    void afterTheExchangeEndsNoWaitIsTimedAndNoneExpires() {
        BodyWaitTimer timer = new BodyWaitTimer(scheduler, Runnable::run);
        Runnable onBytes = awaitPastItsDeadline(timer, first::incrementAndGet);
        timer.end();
        timer.expire();
        onBytes.run();
        assertEquals(0, first.get(), "a wait dropped at the end runs nothing");
        Runnable late = second::incrementAndGet;
        assertSame(late, timer.await(late, NanoTime.now(), LONG), "handed to Jetty as it is");
        assertFalse(timer.expired());
    }
}
