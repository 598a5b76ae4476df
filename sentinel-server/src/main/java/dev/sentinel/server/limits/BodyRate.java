package dev.sentinel.server.limits;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.NanoTime;

/**
 * {@code min-request-body-rate-bytes-per-sec}: a request body's average rate, over the bytes received and the
 * time since Sentinel began to read the body (its first byte, or its first wait for one). The first second is
 * never judged, so one late packet is not a slow client, and a body that completes is never refused. A body
 * is judged as its bytes arrive and, while Sentinel waits for more, at the moment its average would fall below
 * the minimum ({@link #silenceAllowedNanos}): a body that stops altogether is refused then, not held open
 * until the connection's idle timeout.
 *
 * <p>One instance per request body. Reads are never concurrent, and each happens-after the previous one
 * through Jetty's demand hand-off, so plain fields suffice.
 */
public final class BodyRate {
    /** The refusal's reason in {@code sentinel_requests_refused_total}. */
    public static final String TOO_SLOW = "body_too_slow";
    private static final long GRACE_MILLIS = 1000;

    private final int minBytesPerSecond;
    private boolean started;
    private long startNanos;
    private long bytes;

    /** @param minBytesPerSecond at least 1 */
    public BodyRate(int minBytesPerSecond) {
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /**
     * Counts {@code count} body bytes as arriving at {@code now} ({@link NanoTime#now()}): {@code true} when the
     * body is too slow from here on.
     */
    public boolean tooSlowAfter(int count, long now) {
        start(now);
        bytes += count;
        long elapsedMillis = NanoTime.millisElapsed(startNanos, now);
        return elapsedMillis >= GRACE_MILLIS && bytes * 1000 < minBytesPerSecond * elapsedMillis;
    }

    /**
     * How long, from {@code now}, the body may stay silent before it is too slow: the grace second, or the
     * time the bytes received so far pay for at the minimum rate, whichever ends later.
     */
    public long silenceAllowedNanos(long now) {
        start(now);
        long paidForMillis = Math.max(GRACE_MILLIS, bytes * 1000 / minBytesPerSecond + 1);
        return Math.max(0, TimeUnit.MILLISECONDS.toNanos(paidForMillis) - NanoTime.elapsed(startNanos, now));
    }

    /** What every read returns once the body was found too slow: a last, failed chunk, answered 408. */
    public Content.Chunk failure() {
        return Content.Chunk.from(new TimeoutException("request body arrived slower than " + minBytesPerSecond
                + " bytes/s"), true);
    }

    private void start(long now) {
        if (!started) {
            started = true;
            startNanos = now;
        }
    }
}
