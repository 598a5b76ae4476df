package dev.sentinel.server.limits;

import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.NanoTime;

/**
 * {@code min-request-body-rate-bytes-per-sec}: a request body's average rate, judged as the body is read,
 * over the bytes received since its first byte and the time since. The first second is never judged, so one
 * late packet is not a slow client, and a body that completes is never refused. A body that stops altogether
 * is not judged either (no read happens): the idle timeout ({@code keepalive-timeout-secs}) ends it.
 *
 * <p>One instance per request body. Reads are never concurrent, and each happens-after the previous one
 * through Jetty's demand hand-off, so plain fields suffice.
 */
public final class BodyRate {
    /** The refusal's reason in {@code sentinel_requests_refused_total}. */
    public static final String TOO_SLOW = "body_too_slow";
    private static final long GRACE_MILLIS = 1000;

    private final int minBytesPerSecond;
    private long firstByteNanos;
    private long bytes;

    public BodyRate(int minBytesPerSecond) {
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /**
     * Counts {@code count} body bytes as arriving at {@code now} ({@link NanoTime#now()}): {@code true} when the
     * body is too slow from here on.
     */
    public boolean tooSlowAfter(int count, long now) {
        if (bytes == 0) {
            firstByteNanos = now;
        }
        bytes += count;
        long elapsedMillis = NanoTime.millisElapsed(firstByteNanos, now);
        return elapsedMillis >= GRACE_MILLIS && bytes * 1000 < minBytesPerSecond * elapsedMillis;
    }

    /** What every read returns once the body was found too slow: a last, failed chunk, answered 408. */
    public Content.Chunk failure() {
        return Content.Chunk.from(new TimeoutException("request body arrived slower than " + minBytesPerSecond
                + " bytes/s"), true);
    }
}
