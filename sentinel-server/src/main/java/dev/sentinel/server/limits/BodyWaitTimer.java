package dev.sentinel.server.limits;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.CyclicTimeout;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds one request body's waits for the client: a reader's demand is answered either by the client's bytes
 * or, when they do not come in time, by this timer, after which the body reads as too slow ({@link #expired()}).
 * Each wait is its own object, so that a timer firing late for an earlier wait cannot take a later one: exactly
 * one of the bytes and the timer runs a wait's callback.
 *
 * <p>One {@link CyclicTimeout} per body: a new wait mostly moves its deadline without touching the scheduler's
 * queue, which every connection's timers share.
 */
final class BodyWaitTimer {
    /** Once the exchange is over: no wait starts, none is judged. */
    private static final Wait ENDED = new Wait(null, 0);

    private final Executor executor;
    private final AtomicReference<Wait> waiting = new AtomicReference<>();
    /** Handed to Jetty in place of the reader's callback, once, rather than a new lambda per wait. */
    private final Runnable onBytes = this::bytesArrived;
    private final CyclicTimeout timeout;
    private volatile boolean expired;

    private record Wait(Runnable onAvailable, long deadline) {
    }

    BodyWaitTimer(Scheduler scheduler, Executor executor) {
        this.executor = executor;
        this.timeout = new CyclicTimeout(scheduler) {
            @Override
            public void onTimeoutExpired() {
                expire();
            }
        };
    }

    /**
     * Starts a wait, at {@code now} ({@link NanoTime#now()}), of at most {@code nanos}: returns the callback to
     * demand the client's bytes with.
     */
    Runnable await(Runnable onAvailable, long now, long nanos) {
        if (!waiting.compareAndSet(null, new Wait(onAvailable, now + nanos))) {
            return onAvailable;
        }
        timeout.schedule(nanos, TimeUnit.NANOSECONDS);
        return onBytes;
    }

    /** Whether a wait ran out: the body is too slow. */
    boolean expired() {
        return expired;
    }

    /**
     * The exchange is over: a wait still running is dropped, and the scheduled wake-up with it. (Racing a wait
     * that is just starting, a wake-up may stay scheduled; it then finds the timer ended when it runs.)
     */
    void end() {
        waiting.set(ENDED);
        timeout.destroy();
    }

    private void bytesArrived() {
        Wait wait = waiting.get();
        if (wait != null && wait != ENDED && waiting.compareAndSet(wait, null)) {
            timeout.cancel();
            wait.onAvailable.run();
        }
    }

    /**
     * On the scheduler's thread (called directly only by tests). A wake-up may be late for a wait the bytes
     * already answered, and find a newer wait whose own deadline is still ahead (and scheduled): it leaves that
     * one alone. The reader's callback goes to the executor, as Jetty's would.
     */
    void expire() {
        Wait wait = waiting.get();
        if (wait == null || wait == ENDED || NanoTime.now() - wait.deadline < 0) {
            return;
        }
        if (waiting.compareAndSet(wait, null)) {
            expired = true;
            executor.execute(wait.onAvailable);
        }
    }
}
