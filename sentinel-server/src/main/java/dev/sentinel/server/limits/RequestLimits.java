package dev.sentinel.server.limits;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.NanoTime;

/**
 * Checks a request against its limits before it is forwarded, and bounds its body while it streams.
 * The header-section byte limit is Jetty's own ({@code HttpConfiguration.requestHeaderSize}, 431).
 */
public final class RequestLimits {
    private RequestLimits() {
    }

    private static final Refusal TOO_MANY_HEADERS = new Refusal(431, "too_many_headers", null);
    private static final Refusal BODY_TOO_LARGE = new Refusal(413, "body_too_large", null);

    /** 431 when the request carries more header fields than {@code maxCount}, else {@code null}. */
    public static Refusal headerCount(Request request, int maxCount) {
        return request.getHeaders().size() > maxCount ? TOO_MANY_HEADERS : null;
    }

    /** 413 when a declared Content-Length already exceeds {@code maxBytes}, else {@code null}. */
    public static Refusal declaredBody(Request request, long maxBytes) {
        return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > maxBytes ? BODY_TOO_LARGE : null;
    }

    /** The request, with reads failing as {@link BodyLimitExceeded} once more than {@code maxBytes} arrived. */
    public static Request limitBody(Request request, long maxBytes) {
        return new BodyLimitedRequest(request, maxBytes, 0, null);
    }

    /**
     * As {@link #limitBody(Request, long)}, and with reads failing as {@link BodyRate#failure()}, answered 408,
     * once the body is slower than {@code minBytesPerSecond} ({@link BodyRate}), when {@code onTooSlow} runs.
     * HTTP/2 then ends only that stream. An HTTP/1 connection closes after the response ({@code Connection:
     * close}): Jetty does so by itself for a request whose body was left unread.
     */
    public static Request limitBody(Request request, long maxBytes, int minBytesPerSecond, Runnable onTooSlow) {
        return new BodyLimitedRequest(request, maxBytes, minBytesPerSecond, onTooSlow);
    }

    /**
     * The body's bounds, applied as it is read. The rate's state is created on the first body byte or wait, so
     * a request without a body allocates none of it.
     */
    private static final class BodyLimitedRequest extends Request.Wrapper {
        private final long maxBytes;
        /** 0 when the rate is not judged. */
        private final int minBytesPerSecond;
        private final Runnable onTooSlow;
        private long received;
        private BodyRate rate;
        private BodyWaitTimer waits;
        private Content.Chunk tooSlow;

        BodyLimitedRequest(Request wrapped, long maxBytes, int minBytesPerSecond, Runnable onTooSlow) {
            super(wrapped);
            this.maxBytes = maxBytes;
            this.minBytesPerSecond = minBytesPerSecond;
            this.onTooSlow = onTooSlow;
        }

        @Override
        public Content.Chunk read() {
            if (tooSlow != null) {
                return tooSlow;
            }
            if (waits != null && waits.expired()) {
                return refuseTooSlow();
            }
            Content.Chunk chunk = super.read();
            if (chunk == null || Content.Chunk.isFailure(chunk)) {
                return chunk;
            }
            received += chunk.remaining();
            if (received > maxBytes) {
                chunk.release();
                return Content.Chunk.from(new BodyLimitExceeded(maxBytes), true);
            }
            if (minBytesPerSecond == 0 || !chunk.hasRemaining() || chunk.isLast()) {
                return chunk;
            }
            if (!rate().tooSlowAfter(chunk.remaining(), NanoTime.now())) {
                return chunk;
            }
            chunk.release();
            return refuseTooSlow();
        }

        /** A wait for the client's bytes lasts at most until the body would be too slow. */
        @Override
        public void demand(Runnable onAvailable) {
            if (minBytesPerSecond == 0 || tooSlow != null) {
                super.demand(onAvailable);
                return;
            }
            if (waits == null) {
                waits = new BodyWaitTimer(getComponents().getScheduler(), getComponents().getExecutor());
                Request.addCompletionListener(getWrapped(), failure -> waits.end());
            }
            long now = NanoTime.now();
            super.demand(waits.await(onAvailable, now, rate().waitAllowedNanos(now)));
        }

        private BodyRate rate() {
            if (rate == null) {
                rate = new BodyRate(minBytesPerSecond);
            }
            return rate;
        }

        private Content.Chunk refuseTooSlow() {
            onTooSlow.run();
            tooSlow = rate.failure();
            return tooSlow;
        }
    }
}
