package dev.sentinel.server.limits;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds one request body's waits for the client: a reader's demand is answered either by the client's bytes
 * or, when they do not come in time, by this timer, after which the body reads as too slow ({@link #expired()}).
 * Exactly one of the two runs the reader's callback; the other finds nothing left to do.
 */
final class BodyWaitTimer implements Runnable {
    private final Scheduler scheduler;
    private final Executor executor;
    private final AtomicReference<Runnable> waiting = new AtomicReference<>();
    /** Handed to Jetty in place of the reader's callback, once, rather than a new lambda per wait. */
    private final Runnable onBytes = this::bytesArrived;
    private volatile Scheduler.Task deadline;
    private volatile boolean expired;

    BodyWaitTimer(Scheduler scheduler, Executor executor) {
        this.scheduler = scheduler;
        this.executor = executor;
    }

    /** Starts a wait of at most {@code nanos}: returns the callback to demand the client's bytes with. */
    Runnable await(Runnable onAvailable, long nanos) {
        waiting.set(onAvailable);
        deadline = scheduler.schedule(this, nanos, TimeUnit.NANOSECONDS);
        return onBytes;
    }

    /** Whether a wait ran out: the body is too slow. */
    boolean expired() {
        return expired;
    }

    /**
     * The exchange is over: a wait still running is dropped, and its scheduled task with it. (Racing a wait that
     * is just starting, the task may stay scheduled; it then finds nothing waiting when it runs.)
     */
    void end() {
        Scheduler.Task task = deadline;
        if (waiting.getAndSet(null) != null && task != null) {
            task.cancel();
        }
    }

    private void bytesArrived() {
        Runnable onAvailable = waiting.getAndSet(null);
        if (onAvailable != null) {
            deadline.cancel();
            onAvailable.run();
        }
    }

    /** The deadline, on the scheduler's thread: the reader's callback goes to the executor, as Jetty's would. */
    @Override
    public void run() {
        Runnable onAvailable = waiting.getAndSet(null);
        if (onAvailable != null) {
            expired = true;
            executor.execute(onAvailable);
        }
    }
}
