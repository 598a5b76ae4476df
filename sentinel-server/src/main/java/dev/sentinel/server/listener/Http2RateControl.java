package dev.sentinel.server.listener;

import dev.sentinel.server.observability.ProxyMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http2.frames.ContinuationFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RateControl;
import org.eclipse.jetty.io.WindowRateControl;

/**
 * The frame budget of one HTTP/2 connection. Jetty asks it about every frame that costs the server work
 * without being a new request: RST_STREAM in either direction, CONTINUATION, PING, SETTINGS, PRIORITY,
 * WINDOW_UPDATE or DATA on closed streams, unknown frame types, and HEADERS it had to reject as malformed.
 * When it answers no, Jetty ends the connection with GOAWAY ENHANCE_YOUR_CALM.
 *
 * <p>It answers no when more than {@code eventsPerSecond} such frames arrive within one second (Jetty's
 * sliding window: the rapid-reset attack, CVE-2023-44487, and floods of cheap frames), and when a header
 * block has stayed open across CONTINUATION frames for longer than the listener's request timeout (a
 * CONTINUATION trickle slow enough to stay under the rate, which would otherwise hold the connection
 * forever). The connection's cut-off is counted once, under the kind of frame that tipped it.
 */
final class Http2RateControl implements RateControl {
    private final RateControl window;
    private final long headerBlockNanos;
    private final ProxyMetrics metrics;
    private final AtomicBoolean cutOff = new AtomicBoolean();
    // CONTINUATION events come only from the connection's parser, which parses one buffer at a time.
    private int headerBlockStream;
    private long headerBlockStart;

    private Http2RateControl(RateControl window, Duration headerBlockTimeout, ProxyMetrics metrics) {
        this.window = window;
        this.headerBlockNanos = headerBlockTimeout.toNanos();
        this.metrics = metrics;
    }

    /** One budget per connection. */
    record Factory(int eventsPerSecond, Duration headerBlockTimeout, ProxyMetrics metrics)
            implements RateControl.Factory {
        @Override
        public RateControl newRateControl(EndPoint endPoint) {
            return new Http2RateControl(new WindowRateControl(eventsPerSecond, Duration.ofSeconds(1)),
                    headerBlockTimeout, metrics);
        }
    }

    @Override
    public boolean onEvent(Object event) {
        if (cutOff.get()) {
            return false;
        }
        String reason = window.onEvent(event) ? headerBlockOverdue(event) : floodReason(event);
        if (reason == null) {
            return true;
        }
        if (cutOff.compareAndSet(false, true)) {
            metrics.connectionRefused(reason);
        }
        return false;
    }

    /**
     * A header block is timed from its first CONTINUATION event to the one with END_HEADERS. Blocks are told
     * apart by stream id, because a block that ends with an empty CONTINUATION frame gives no final event.
     */
    private String headerBlockOverdue(Object event) {
        if (!(event instanceof ContinuationFrame continuation)) {
            return null;
        }
        long now = System.nanoTime();
        if (continuation.getStreamId() != headerBlockStream) {
            headerBlockStream = continuation.getStreamId();
            headerBlockStart = now;
        }
        boolean overdue = now - headerBlockStart > headerBlockNanos;
        if (continuation.isEndHeaders()) {
            headerBlockStream = 0;
        }
        return overdue ? "h2_header_timeout" : null;
    }

    private static String floodReason(Object event) {
        return switch (event) {
            case ResetFrame ignored -> "h2_reset_flood";
            case ContinuationFrame ignored -> "h2_continuation_flood";
            case HeadersFrame ignored -> "h2_malformed_flood";
            default -> "h2_frame_flood";
        };
    }
}
