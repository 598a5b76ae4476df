package dev.sentinel.server.limits;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;

/**
 * {@code min-request-body-rate-bytes-per-sec}: a request body's bytes over the time Sentinel spent waiting for
 * them. Only waits count: while Sentinel is busy elsewhere (connecting to the upstream, or writing to an
 * upstream slow to read), the client is held back by Sentinel, not slow. The first second of waiting is never
 * judged, so one late packet is not a slow client, and a body that completes is never refused.
 *
 * <p>A body is judged as its bytes arrive and, during a wait, at the moment the wait would make it too slow
 * ({@link #waitAllowedNanos}): a body that stops altogether is refused then, not held open until the
 * connection's idle timeout.
 *
 * <p>One instance per request body. Reads and demands are never concurrent, and each happens-after the
 * previous one through Jetty's demand hand-off, so plain fields suffice.
 */
public final class BodyRate {
    /** The refusal's reason in {@code sentinel_requests_refused_total}. */
    public static final String TOO_SLOW = "body_too_slow";
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_PAID_FOR_SECONDS = Long.MAX_VALUE / 4 / TimeUnit.SECONDS.toNanos(1);

    private final int minBytesPerSecond;
    private long bytes;
    /** The time of the waits that ended. */
    private long waitedNanos;
    private boolean waiting;
    private long waitStart;

    /** @param minBytesPerSecond at least 1 */
    public BodyRate(int minBytesPerSecond) {
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /**
     * Sentinel waits for the client's next bytes from {@code now} ({@code System.nanoTime()}), or goes on
     * waiting after a wake-up that brought none: how long the wait may last before the body is too slow.
     */
    public long waitAllowedNanos(long now) {
        if (!waiting) {
            waiting = true;
            waitStart = now;
        }
        long waited = waitedNanos + (now - waitStart);
        return Math.max(0, Math.max(GRACE_NANOS, paidForNanos() + 1) - waited);
    }

    /**
     * Counts {@code count} body bytes as read at {@code now}, which ends a wait under way: {@code true} when the
     * body is too slow from here on.
     */
    public boolean tooSlowAfter(int count, long now) {
        if (waiting) {
            waiting = false;
            waitedNanos += now - waitStart;
        }
        bytes += count;
        return waitedNanos >= GRACE_NANOS && waitedNanos > paidForNanos();
    }

    /** What every read returns once the body was found too slow: a last, failed chunk, answered 408. */
    public Content.Chunk failure() {
        return Content.Chunk.from(new TimeoutException("request body arrived slower than " + minBytesPerSecond
                + " bytes/s"), true);
    }

    /**
     * The waiting the bytes received so far pay for at the minimum rate: split so that no product overflows, and
     * capped far below overflow (at about 73 years) for the sums made with it.
     */
    private long paidForNanos() {
        long seconds = bytes / minBytesPerSecond;
        if (seconds >= MAX_PAID_FOR_SECONDS) {
            return TimeUnit.SECONDS.toNanos(MAX_PAID_FOR_SECONDS);
        }
        return TimeUnit.SECONDS.toNanos(seconds)
                + bytes % minBytesPerSecond * TimeUnit.SECONDS.toNanos(1) / minBytesPerSecond;
    }
}
