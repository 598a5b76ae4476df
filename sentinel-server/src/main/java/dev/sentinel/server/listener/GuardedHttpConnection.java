package dev.sentinel.server.listener;

import dev.sentinel.server.observability.ProxyMetrics;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's HTTP/1.1 connection with Sentinel's bounds in time and count, hooked in through the factory
 * methods {@code HttpConnection} offers subclasses (Jetty is pinned, so these internals are too):
 * <ul>
 *   <li><b>header deadline</b>: from the first byte of a request until its header section is complete,
 *   at most {@code request-timeout-secs}; then the connection is closed. The idle timeout cannot do this:
 *   it restarts with every byte, so a client trickling one byte a second would hold the connection for ever.
 *   Between requests only the idle timeout ({@code keepalive-timeout-secs}) applies.</li>
 *   <li><b>requests per connection</b>: the response to the {@code keepalive-max-requests}-th request is
 *   generated non-persistent, which makes Jetty's generator add {@code Connection: close} and close after
 *   it, whatever headers the response carries.</li>
 *   <li><b>body rate</b>: once a body has been arriving for a second, its average rate must stay at or above
 *   {@code min-request-body-rate-bytes-per-sec}; below it the next read fails with a
 *   {@link TimeoutException}, which the forwarding engine answers 408, and the connection closes.</li>
 * </ul>
 */
final class GuardedHttpConnection extends HttpConnection {
    static final String HEADER_TIMEOUT = "header_timeout";
    static final String KEEPALIVE_MAX_REQUESTS = "keepalive_max_requests";
    static final String BODY_TOO_SLOW = "body_too_slow";
    /** A body is judged on its average rate only after this long, so one late packet is not a slow client. */
    private static final long BODY_RATE_GRACE_MILLIS = 1000;

    /** The bounds of one listener. */
    record Bounds(Duration headerTimeout, int maxRequests, int minBodyBytesPerSecond, ProxyMetrics metrics) {
    }

    private final Bounds bounds;
    private final AtomicReference<HeaderDeadline> headerDeadline = new AtomicReference<>();

    GuardedHttpConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, Bounds bounds) {
        super(config, connector, endPoint);
        this.bounds = bounds;
    }

    /** Called by the super constructor: the handler must not touch this class's fields until it is used. */
    @Override
    protected RequestHandler newRequestHandler() {
        return new BoundedRequestHandler();
    }

    @Override
    protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
        return new RateCheckedStream(method, uri, version);
    }

    @Override
    public void onClose(Throwable cause) {
        disarmHeaderDeadline();
        super.onClose(cause);
    }

    private void armHeaderDeadline() {
        if (headerDeadline.get() != null) {
            return;
        }
        HeaderDeadline deadline = new HeaderDeadline();
        headerDeadline.set(deadline);
        deadline.task = getConnector().getScheduler().schedule(deadline, bounds.headerTimeout());
    }

    private void disarmHeaderDeadline() {
        HeaderDeadline deadline = headerDeadline.getAndSet(null);
        if (deadline != null) {
            deadline.cancel();
        }
    }

    /** Closes the connection if the request it was armed for still has no complete header section. */
    private final class HeaderDeadline implements Runnable {
        private volatile Scheduler.Task task;

        @Override
        public void run() {
            if (headerDeadline.compareAndSet(this, null)) {
                bounds.metrics().connectionRefused(HEADER_TIMEOUT);
                getEndPoint().close(new TimeoutException("request header section not complete within "
                        + bounds.headerTimeout().toSeconds() + " s"));
            }
        }

        void cancel() {
            Scheduler.Task scheduled = task;
            if (scheduled != null) {
                scheduled.cancel();
            }
        }
    }

    /** Arms the header deadline on a request's first byte, disarms it when its headers are complete. */
    private final class BoundedRequestHandler extends RequestHandler {
        /**
         * The parser calls this each time it is run in its start state, also with nothing to parse (between
         * requests, or on CRLFs that precede a request line); only bytes waiting in the buffer mean a request
         * has begun.
         */
        @Override
        public void messageBegin() {
            super.messageBegin();
            if (!isRequestBufferEmpty()) {
                armHeaderDeadline();
            }
        }

        @Override
        public boolean headerComplete() {
            disarmHeaderDeadline();
            boolean handle = super.headerComplete();
            // super.headerComplete() counted this request and chose its persistence; the last one overrides.
            if (getMessagesIn() >= bounds.maxRequests() && getGenerator().isPersistent()) {
                getGenerator().setPersistent(false);
                bounds.metrics().connectionRefused(KEEPALIVE_MAX_REQUESTS);
            }
            return handle;
        }

        @Override
        public void badMessage(HttpException failure) {
            disarmHeaderDeadline();
            super.badMessage(failure);
        }

        @Override
        public void earlyEOF() {
            disarmHeaderDeadline();
            super.earlyEOF();
        }
    }

    /**
     * Measures the body as the application reads it. Reads are never concurrent (Jetty's contract), and
     * each happens-after the previous one through Jetty's demand hand-off, so plain fields suffice.
     */
    private final class RateCheckedStream extends HttpStreamOverHTTP1 {
        private long firstByteNanos;
        private long bytes;
        private Content.Chunk tooSlow;

        RateCheckedStream(String method, String uri, HttpVersion version) {
            super(method, uri, version);
        }

        @Override
        public Content.Chunk read() {
            if (tooSlow != null) {
                return tooSlow;
            }
            Content.Chunk chunk = super.read();
            if (chunk == null || !chunk.hasRemaining() || chunk.isLast()) {
                return chunk;
            }
            long now = NanoTime.now();
            if (bytes == 0) {
                firstByteNanos = now;
            }
            bytes += chunk.remaining();
            long elapsedMillis = NanoTime.millisElapsed(firstByteNanos, now);
            boolean judged = elapsedMillis >= BODY_RATE_GRACE_MILLIS;
            if (!judged || bytes * 1000 >= bounds.minBodyBytesPerSecond() * elapsedMillis) {
                return chunk;
            }
            chunk.release();
            getGenerator().setPersistent(false);
            bounds.metrics().requestRefused(BODY_TOO_SLOW);
            tooSlow = Content.Chunk.from(new TimeoutException("request body arrived slower than "
                    + bounds.minBodyBytesPerSecond() + " bytes/s"), true);
            return tooSlow;
        }
    }
}
