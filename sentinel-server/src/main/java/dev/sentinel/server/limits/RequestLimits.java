package dev.sentinel.server.limits;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

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
        return new BodyLimitedRequest(request, maxBytes);
    }

    private static final class BodyLimitedRequest extends Request.Wrapper {
        private final long maxBytes;
        private long received;

        BodyLimitedRequest(Request wrapped, long maxBytes) {
            super(wrapped);
            this.maxBytes = maxBytes;
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk == null || Content.Chunk.isFailure(chunk)) {
                return chunk;
            }
            received += chunk.remaining();
            if (received > maxBytes) {
                chunk.release();
                return Content.Chunk.from(new BodyLimitExceeded(maxBytes), true);
            }
            return chunk;
        }
    }
}
