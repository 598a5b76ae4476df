package dev.sentinel.server.listener;

import dev.sentinel.server.observability.ProxyMetrics;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.CyclicTimeout;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.internal.HttpConnection;

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
 * </ul>
 * The body rate is judged on the request, for every protocol ({@code limits.RequestLimits.limitBody}).
 */
final class GuardedHttpConnection extends HttpConnection {
    static final String HEADER_TIMEOUT = "header_timeout";
    static final String KEEPALIVE_MAX_REQUESTS = "keepalive_max_requests";

    /** The bounds of one listener. */
    record Bounds(Duration headerTimeout, int maxRequests, ProxyMetrics metrics) {
    }

    private final Bounds bounds;
    /** Whether a request began and its header section is not complete yet. */
    private final AtomicBoolean headerPending = new AtomicBoolean();
    /**
     * A {@link CyclicTimeout}: arming it for the next request mostly finds its wake-up already scheduled (by
     * an earlier request) and only moves the deadline, so the scheduler's queue is not touched twice per
     * request; a wake-up that finds the deadline moved re-schedules itself.
     */
    private final CyclicTimeout headerDeadline;

    GuardedHttpConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, Bounds bounds) {
        super(config, connector, endPoint);
        this.bounds = bounds;
        this.headerDeadline = new CyclicTimeout(connector.getScheduler()) {
            @Override
            public void onTimeoutExpired() {
                if (headerPending.compareAndSet(true, false)) {
                    bounds.metrics().connectionRefused(HEADER_TIMEOUT);
                    getEndPoint().close(new TimeoutException("request header section not complete within "
                            + bounds.headerTimeout().toSeconds() + " s"));
                }
            }
        };
    }

    /** Called by the super constructor: the handler must not touch this class's fields until it is used. */
    @Override
    protected RequestHandler newRequestHandler() {
        return new BoundedRequestHandler();
    }

    @Override
    public void onClose(Throwable cause) {
        headerPending.set(false);
        headerDeadline.destroy();
        super.onClose(cause);
    }

    private void armHeaderDeadline() {
        if (headerPending.compareAndSet(false, true)) {
            headerDeadline.schedule(bounds.headerTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void disarmHeaderDeadline() {
        if (headerPending.compareAndSet(true, false)) {
            headerDeadline.cancel();
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
}
