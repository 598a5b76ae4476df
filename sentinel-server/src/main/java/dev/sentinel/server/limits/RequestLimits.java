package dev.sentinel.server.limits;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
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
        return new BodyLimitedRequest(request, maxBytes, null, null);
    }

    /**
     * As {@link #limitBody(Request, long)}, and on HTTP/2 and later with reads failing as
     * {@link BodyRate#failure()} once the body is slower than {@code minBytesPerSecond}, when
     * {@code onTooSlow} runs. An HTTP/1 connection judges the rate itself ({@code GuardedHttpConnection}),
     * since it must also close; Jetty has no such hook for an HTTP/2 stream.
     */
    public static Request limitBody(Request request, long maxBytes, int minBytesPerSecond, Runnable onTooSlow) {
        boolean http2 = request.getConnectionMetaData().getHttpVersion().getVersion()
                >= HttpVersion.HTTP_2.getVersion();
        return new BodyLimitedRequest(request, maxBytes, http2 ? new BodyRate(minBytesPerSecond) : null, onTooSlow);
    }

    private static final class BodyLimitedRequest extends Request.Wrapper {
        private final long maxBytes;
        /** {@code null} when the rate is not judged here. */
        private final BodyRate rate;
        private final Runnable onTooSlow;
        private long received;
        private Content.Chunk tooSlow;

        BodyLimitedRequest(Request wrapped, long maxBytes, BodyRate rate, Runnable onTooSlow) {
            super(wrapped);
            this.maxBytes = maxBytes;
            this.rate = rate;
            this.onTooSlow = onTooSlow;
        }

        @Override
        public Content.Chunk read() {
            if (tooSlow != null) {
                return tooSlow;
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
            if (rate == null || !chunk.hasRemaining() || chunk.isLast()) {
                return chunk;
            }
            if (!rate.tooSlowAfter(chunk.remaining(), NanoTime.now())) {
                return chunk;
            }
            chunk.release();
            onTooSlow.run();
            tooSlow = rate.failure();
            return tooSlow;
        }
    }
}
